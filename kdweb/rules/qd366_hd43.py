"""Rule set `qd366-hd43`: Quy định 366-QĐ/TW (30/8/2025) and Hướng dẫn 43-HD/BTCTW (31/10/2025), as read in
docs/rulebook-366.md: a score out of 100, bands, task conditions, forced KHTNV, the quota per group of similar subjects.

docs/rulebook.md's codes are kept, switched off or re-parameterised as docs/rulebook-366.md §3 says; every UNCONFIRMED reading is a
parameter named in `UNCONFIRMED` and shown on the cycle's admin page."""
from __future__ import annotations

from . import checks_collective, checks_cross, checks_leader, checks_member, qd132_hd21
from .checks_common import cap_check, level_check, new_subject_check
from .checks_quota import unit_and_district_checks
from .checks_quota_groups import group_findings
from .checks_score import SCORE_CHECKS
from .terms import Discipline, Severity, SubjectKind

MEMBER, ORGANISATION, COLLECTIVE, LEADER = SubjectKind

ID = "qd366-hd43"

UNCONFIRMED = (
    "band_mode",  # a failed condition falls to the highest lower level whose conditions hold
    "score_subgroup_maxima",  # how 30 and 70 divide is left to the upper committees
    "quarter_gap",  # P-QUARTER has no formula in 366
    "org_htxsnv_share",  # O-HTXSNV is not in 366: off
    "small_group_threshold",  # Q-SMALL is not in 366: off
    "quota_scope",  # the quota group of ordinary members: per tổ chức cơ sở đảng unless the local guide says otherwise
    "rule:C-UNIT", "rule:L-HEAD",  # whether the caps are hard caps in 366 (applied in practice, not in the article)
    "severity:M-CIVIL",  # the civil-service rating is "the basis": a warning, not a cap
    "rule:O-NEW",  # a newly founded organisation under 366
)

# docs/rulebook-366.md §3: codes of docs/rulebook.md that do not apply under 366 (points replace grades; the rest are named there).
SWITCHED_OFF = frozenset({
    "M-GRADES", "O-GRADES", "C-GRADES", "L-GRADES", "M-SICK", "M-DISCIPLINE", "L-DISCIPLINE",
    "O-HTXSNV", "O-HTTNV", "Q-SMALL",
})

QUOTA_CHECKS = unit_and_district_checks("Q-20", group_findings, also=("Q-25",))

CHECKS = (
    *(level_check(kind) for kind in SubjectKind),
    new_subject_check("M-NEW", MEMBER, "admitted_on", "kết nạp"),
    new_subject_check("O-NEW", ORGANISATION, "founded_on", "thành lập"),
    new_subject_check("C-NEW", COLLECTIVE, "founded_on", "thành lập"),
    cap_check("M-CIVIL", MEMBER, checks_member.civil_cap, "civil_rating"),
    *checks_member.RECORD_CHECKS,
    *checks_collective.RECORD_CHECKS,
    *checks_leader.RECORD_CHECKS,
    *SCORE_CHECKS,
    *QUOTA_CHECKS.unit,
    *checks_cross.UNIT_CHECKS,
    *QUOTA_CHECKS.district,
    *checks_cross.DISTRICT_CHECKS,
)

# the qd132-hd21 set with what docs/rulebook-366.md changes: the quota severities and scopes stay as they were
RULE_SET = qd132_hd21.RULE_SET.with_changes(
    id=ID,
    title="Quy định 366-QĐ/TW và Hướng dẫn 43-HD/BTCTW (chấm điểm 100)",
    criteria={},
    checks=CHECKS,
    record_caps={},
    severities={
        "M-MONTHLY": Severity.WARNING, "P-FONT": Severity.WARNING, "M-CIVIL": Severity.WARNING,
        "S-DISCRETION": Severity.WARNING, "P-QUARTER": Severity.WARNING,
    },
    disabled=SWITCHED_OFF,
    require_grades=False,
    collective_member_discipline=Discipline.KHIEN_TRACH,
    scored=True,
    unconfirmed=UNCONFIRMED,
)
