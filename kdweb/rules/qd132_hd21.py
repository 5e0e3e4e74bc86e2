"""Rule set `qd132-hd21`: Quy định 132-QĐ/TW and Hướng dẫn 21-HD/BTCTW as read in docs/rulebook.md (the default)."""
from __future__ import annotations

from . import checks_collective, checks_cross, checks_leader, checks_member, checks_org
from .checks_common import cap_check, grades_check, level_check, new_subject_check
from .checks_quota import quota_findings, unit_and_district_checks
from .ruleset import Criterion, RuleSet
from .terms import QuotaScope, Severity, SubjectKind

MEMBER, ORGANISATION, COLLECTIVE, LEADER = SubjectKind

ID = "qd132-hd21"

ORGANISATION_CRITERIA = (
    Criterion("I.1", "Công tác chính trị tư tưởng", task=True),
    Criterion("I.2", "Công tác tổ chức, cán bộ và xây dựng đảng bộ, chi bộ", task=True),
    Criterion("I.3", "Lãnh đạo xây dựng chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội", task=True),
    Criterion("I.4", "Công tác kiểm tra, giám sát và kỷ luật đảng", task=True),
    Criterion("II.1", "Cụ thể hóa và tổ chức thực hiện chương trình, kế hoạch công tác năm", task=True),
    Criterion(
        "II.2",
        "Kết quả lãnh đạo thực hiện chỉ tiêu, nhiệm vụ phát triển kinh tế - xã hội, quốc phòng - an ninh",
        task=True,
    ),
    Criterion("III", "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra"),
)

PERSON_CRITERIA = (
    Criterion("1", "Tư tưởng chính trị"),
    Criterion("2", "Phẩm chất đạo đức, lối sống"),
    Criterion("3", "Tác phong, lề lối làm việc"),
    Criterion("4", "Ý thức tổ chức kỷ luật"),
    Criterion("5", "Kết quả thực hiện chức trách, nhiệm vụ được giao", task=True),
)

RECORD_CAPS = {
    MEMBER: checks_member.MEMBER_CAPS,
    ORGANISATION: checks_org.ORGANISATION_CAPS,
    COLLECTIVE: checks_collective.COLLECTIVE_CAPS,
    LEADER: checks_leader.LEADER_CAPS,
}

QUOTA_CHECKS = unit_and_district_checks("Q-20", quota_findings)

CHECKS = (
    *(level_check(kind) for kind in SubjectKind),
    *(cap_check(item.rule, kind, item.cap, item.trigger) for kind, caps in RECORD_CAPS.items() for item in caps),
    grades_check(MEMBER),
    grades_check(ORGANISATION, htxsnv_rule="O-HTXSNV"),
    grades_check(COLLECTIVE),
    grades_check(LEADER),
    new_subject_check("M-NEW", MEMBER, "admitted_on", "kết nạp"),
    new_subject_check("O-NEW", ORGANISATION, "founded_on", "thành lập"),
    new_subject_check("C-NEW", COLLECTIVE, "founded_on", "thành lập"),
    *checks_member.RECORD_CHECKS,
    *checks_org.RECORD_CHECKS,
    *checks_collective.RECORD_CHECKS,
    *checks_leader.RECORD_CHECKS,
    *QUOTA_CHECKS.unit,
    *checks_cross.UNIT_CHECKS,
    *QUOTA_CHECKS.district,
    *checks_cross.DISTRICT_CHECKS,
    *checks_org.DISTRICT_CHECKS,
)

RULE_SET = RuleSet(
    id=ID,
    title="Quy định 132-QĐ/TW và Hướng dẫn 21-HD/BTCTW (Kế hoạch 174-KH/QU)",
    criteria={
        MEMBER: PERSON_CRITERIA,
        ORGANISATION: ORGANISATION_CRITERIA,
        COLLECTIVE: PERSON_CRITERIA,
        LEADER: PERSON_CRITERIA,
    },
    checks=CHECKS,
    record_caps=RECORD_CAPS,
    severities={"M-MONTHLY": Severity.WARNING, "P-FONT": Severity.WARNING},
    disabled=frozenset({"O-HTTNV"}),
    quota_severity={
        MEMBER: Severity.ERROR,
        ORGANISATION: Severity.WARNING,
        COLLECTIVE: Severity.ERROR,
        LEADER: Severity.ERROR,
    },
    quota_scope={
        MEMBER: QuotaScope.UNIT,
        ORGANISATION: QuotaScope.DISTRICT,
        COLLECTIVE: QuotaScope.DISTRICT,
        LEADER: QuotaScope.DISTRICT,
    },
    # docs/rulebook.md's UNCONFIRMED points: O-HTTNV (off), the organisations' quota (scope and severity)
    unconfirmed=("quota_severity", "quota_scope", "rule:O-HTTNV", "org_httnv_floor_share"),
)
