"""facts_changed_after_submission, the class: a stored batch against the roster's facts as they stand, for every
subject kind under qd132-hd21 (a member now exempt or newly admitted, a chi bộ now newly founded, a collective's
name, a leader post given to another person): one finding per changed subject, an error naming the rule the
submitted result now breaks, else a warning; nothing for facts equal to the stored ones or for subjects the roster
no longer lists (the mismatch summary says those)."""
from datetime import date

from kdweb.rules import RULE_SETS, Severity, SubjectKind
from kdweb.rules.roster_after import facts_changed_after_submission
from kdweb.rules.roster_changes import RosterOfRecord

from .factories import REVIEW, batch, collective, leader, member, organisation

RULE_SET = RULE_SETS["qd132-hd21"]
MEMBER, ORGANISATION, COLLECTIVE, LEADER = SubjectKind


def roster(facts):
    return RosterOfRecord(subjects={kind: {code: "" for code in codes} for kind, codes in facts.items()},
                          facts=facts)


def test_each_kind_changed_after_submission_is_told_and_an_error_only_where_the_result_breaks():
    stored = batch(member("DV1", admitted_on=date(2010, 1, 1)), member("DV2"), member("DV3"), member("DV4"),
                   organisation("CB01", founded_on=date(2000, 1, 1)), collective("TT01"), leader("LD01"))
    found = facts_changed_after_submission(stored, roster({
        MEMBER: {"DV1": {"admitted_on": date(REVIEW.year, REVIEW.month - 1, 1)},  # now admitted last month
                 "DV2": {"exempt": True},  # now exempt, yet rated
                 "DV3": {"birth_date": date(1970, 1, 2)},  # does not touch the result
                 "DV4": {"name": "Nguyễn Văn DV4"}},  # as stored: nothing to say
        ORGANISATION: {"CB01": {"founded_on": date(REVIEW.year, REVIEW.month - 2, 1)}},
        COLLECTIVE: {"TT01": {"name": "Ban Thường vụ (kiện toàn)"}},
        LEADER: {"LD01": {"name": "Lê Văn Mới"}, "LD09": {"name": "Ai đó"}},  # LD09: not in the stored batch
    }), RULE_SET)
    by_code = {finding.subject_code: finding for finding in found}
    assert set(by_code) == {"DV1", "DV2", "DV3", "CB01", "TT01", "LD01"}
    assert all(finding.rule == "X-ROSTER" and finding.unit_code == "CS01" for finding in found)
    errors = {code for code, finding in by_code.items() if finding.severity is Severity.ERROR}
    assert errors == {"DV1", "DV2", "CB01"}, {code: f.message for code, f in by_code.items()}
    assert "M-NEW" in by_code["DV1"].message and "O-NEW" in by_code["CB01"].message
    assert "Trả lại" in by_code["DV2"].message and "“Không” → “Có”" in by_code["DV2"].message
    assert "vẫn phù hợp" in by_code["DV3"].message and "Ngày sinh" in by_code["DV3"].message
    assert by_code["LD01"].subject_name == "Lê Văn Mới" and "→ “Lê Văn Mới”" in by_code["LD01"].message
    assert stored.members[0].admitted_on == date(2010, 1, 1)  # the stored batch is left as it was


def test_no_fact_changed_says_nothing():
    stored = batch(member("DV1", admitted_on=date(2010, 1, 1)))
    assert facts_changed_after_submission(stored, roster({MEMBER: {"DV1": {"admitted_on": date(2010, 1, 1)}}}),
                                          RULE_SET) == []
