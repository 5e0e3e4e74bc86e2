"""Findings speak Vietnamese (NFC), name the subject and the numbers, and come out in one order."""
import unicodedata
from datetime import date

from kdweb.rules import Finding, Level, MemberRecord, NotRatedReason, Severity, SubjectKind, UnitBatch, validate_unit
from kdweb.rules.validate import UNCHECKED

from .factories import batch, collective, leader, member, not_rated_member, organisation, person_grades


def a_messy_unit():
    return batch(
        member("DV3", disciplined_in_year=True),
        member("DV1", level=None),
        member("DV2", exempt=True),
        not_rated_member("DV4", NotRatedReason.TEMPORARY),
        member("DV5", admitted_on=date(2024, 11, 1)),
        *[member(f"DX{index}", Level.HTXSNV, grades=person_grades(Level.HTXSNV)) for index in range(3)],
        organisation("CB1", Level.HTTNV, targets_below_half=True),
        collective("TT1", main_target_missed=True),
        leader("LD1", Level.HTXSNV, heads=("CB1",), grades=person_grades(Level.HTXSNV)),
        expected={SubjectKind.MEMBER: ["DV1", "DV2", "DV3", "DV4", "DV5", "DX0", "DX1", "DX2", "DV9"]},
    )


def test_every_message_is_nfc_vietnamese_naming_the_subject():
    findings = validate_unit(a_messy_unit())
    assert len({finding.rule for finding in findings}) >= 9
    for finding in findings:
        assert unicodedata.is_normalized("NFC", finding.message)
        assert finding.subject_code in finding.message or finding.subject_name in finding.message


def test_messages_carry_the_numbers():
    findings = validate_unit(a_messy_unit())
    [quota] = [finding for finding in findings if finding.rule == "Q-SMALL"]
    assert "chỉ có 3 đảng viên" in quota.message and "tối đa 1" in quota.message and "hiện có 3" in quota.message
    [new] = [finding for finding in findings if finding.rule == "M-NEW"]
    assert "01/11/2024" in new.message and "6 tháng" in new.message


def test_output_order_is_kind_then_subject_then_rule():
    findings = validate_unit(a_messy_unit())
    assert findings == sorted(findings, key=Finding.sort_key)
    kinds = [finding.subject_kind for finding in findings]
    assert kinds.index(SubjectKind.MEMBER) < kinds.index(SubjectKind.ORGANISATION) < kinds.index(SubjectKind.LEADER)


def test_location_is_filled_on_a_copy():
    finding = validate_unit(batch(member(level=None)))[0]
    located = finding.with_location("Đảng viên", "F7")
    assert (located.sheet, located.cell) == ("Đảng viên", "F7") and finding.sheet is None
    assert located.with_location(None, None) == finding  # only the location differs: rule, severity, message kept
    assert finding.is_error and finding.severity == "error" and finding.severity is Severity.ERROR


def test_records_of_the_wrong_shape_become_findings_not_crashes():
    wrong = MemberRecord("DV1", "Nguyễn Văn A", "CS01", level="HTNV", grades=None)
    findings = validate_unit(UnitBatch(unit_code="CS01", members=[wrong]))
    assert {finding.rule for finding in findings} == {UNCHECKED}
    assert all("Không kiểm tra được quy tắc" in finding.message for finding in findings)
    assert validate_unit(UnitBatch(unit_code="CS01", members=None))[0].rule == UNCHECKED
