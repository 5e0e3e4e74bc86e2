"""Raw rows to records: field keys, tolerant values, and a finding per unreadable cell with that cell's key."""
from datetime import date

from kdweb.rules import (
    CollectiveRecord, Discipline, Grade, LeaderRecord, Level, MemberRecord, NotRatedReason, UnitKind, Severity,
    SubjectKind, parse_collective_row, parse_leader_row, parse_member_row, parse_organisation_row, validate_unit,
)

from .factories import batch


def test_member_row_as_read_from_a_workbook():
    record, findings = parse_member_row({
        "code": 1024.0, "name": "  Lê   Thị Hoà ", "unit_code": "CS01", "cell_code": "CB02",
        "birth_date": date(1960, 5, 1), "admitted_on": "12/03/1985", "probationary": "Không",
        "level": "tốt", "not_rated_reason": "", "grade:1": "Tốt", "grade:5": "XS",
        "is_civil_servant": "x", "civil_rating": "Hoàn thành nhiệm vụ nhưng còn hạn chế về năng lực",
        "month:2": "HTTNV", "month:1": "HTXSNV", "sick_leave_months": "1,5", "discipline": None,
    })
    assert findings == []
    assert record == MemberRecord(
        code="1024", name="Lê Thị Hoà", unit_code="CS01", cell_code="CB02", birth_date=date(1960, 5, 1),
        admitted_on=date(1985, 3, 12), level=Level.HTTNV, grades={"1": Grade.TOT, "5": Grade.XUAT_SAC},
        is_civil_servant=True, civil_rating=Level.HTNV, monthly_ratings=(Level.HTXSNV, Level.HTTNV),
        sick_leave_months=1.5,
    )


def test_not_rated_row():
    record, findings = parse_member_row({"code": "DV1", "name": "A", "level": "Không xếp loại", "not_rated_reason": "Miễn công tác và sinh hoạt đảng", "exempt": "Có"})
    assert not findings and record.not_rated and record.level is None
    assert record.not_rated_reason is NotRatedReason.EXEMPT and record.exempt


def test_bad_cells_become_findings_keyed_by_the_field():
    record, findings = parse_member_row({"code": "DV1", "name": "Phạm Văn Bình", "level": "Giỏi", "grade:3": "Khá", "exempt": "có lẽ"})
    assert {finding.field for finding in findings} == {"level", "grade:3", "exempt"}
    assert all(finding.rule == "P-VALUE" and finding.severity is Severity.ERROR for finding in findings)
    level_finding = next(finding for finding in findings if finding.field == "level")
    assert "Phạm Văn Bình" in level_finding.message and "Mức xếp loại" in level_finding.message
    assert record.unreadable == frozenset({"level", "grade:3", "exempt"})
    assert record.level is None and record.exempt is False


def test_unreadable_level_is_reported_once_after_validation():
    record, findings = parse_member_row({"code": "DV1", "name": "A", "unit_code": "CS01", "level": "Giỏi"})
    rules = [finding.rule for finding in findings + validate_unit(batch(record)) if finding.field == "level"]
    assert rules == ["P-VALUE"]


def test_missing_code_is_reported():
    record, findings = parse_member_row({"name": "Không Mã"})
    assert record.code == "" and [finding.rule for finding in findings] == ["P-CODE"]


def test_legacy_font_name_is_a_warning():
    _, findings = parse_member_row({"code": "DV1", "name": "NguyÔn V¨n A"})
    [finding] = findings
    assert finding.rule == "P-FONT" and finding.severity is Severity.WARNING and finding.field == "name"


def test_discipline_form_implies_disciplined_in_year():
    record, _ = parse_member_row({"code": "DV1", "discipline": "Cảnh cáo"})
    assert record.disciplined_in_year and record.discipline is Discipline.CANH_CAO
    record, _ = parse_member_row({"code": "DV1", "discipline": "Cảnh cáo", "disciplined_in_year": "Không"})
    assert not record.disciplined_in_year


def test_organisation_row():
    record, findings = parse_organisation_row({
        "code": "CB01", "name": "Chi bộ Khu dân cư số 1", "kind": "Chi bộ trực thuộc", "parent_code": "DB01",
        "founded_on": "01/01/2000", "group": "Chi bộ khu dân cư", "level": "HTXSNV", "grade:I.1": "Xuất sắc",
        "same_level_bodies_lowest": "HTTNV", "self_remedied": "",
    })
    assert not findings
    assert record.kind is UnitKind.CELL and record.parent_code == "DB01" and record.grades == {"I.1": Grade.XUAT_SAC}
    assert record.same_level_bodies_lowest is Level.HTTNV and record.subject_kind is SubjectKind.ORGANISATION


def test_collective_row():
    record, findings = parse_collective_row({
        "code": "TT01", "name": "Tập thể lãnh đạo UBND phường Kim Mã", "collective_type": "Lãnh đạo UBND phường",
        "led_unit_code": "UB01", "led_unit_level": "tốt", "member_discipline": "Khiển trách",
        "main_target_missed": "x", "force_majeure": "x", "level": "HTTNV",
    })
    assert not findings and isinstance(record, CollectiveRecord)
    assert record.member_discipline is Discipline.KHIEN_TRACH and record.led_unit_level is Level.HTTNV
    assert record.main_target_missed and record.force_majeure


def test_leader_row_with_several_heads():
    record, findings = parse_leader_row({
        "code": "LD01", "name": "Hoàng Văn Cường", "post": "Bí thư Đảng ủy phường", "post_group": "Bí thư đảng ủy phường",
        "heads": "DB01; TT01,\nTT02", "moved_in_no_responsibility": "không", "level": "Hoàn thành tốt nhiệm vụ",
        "corruption_under_leadership": "Không",
    })
    assert not findings and isinstance(record, LeaderRecord)
    assert record.heads == ("DB01", "TT01", "TT02") and not record.moved_in_no_responsibility


def test_unknown_keys_are_ignored_and_parsers_never_raise():
    record, findings = parse_member_row({"code": object(), "colour": "blue", "level": ["HTNV"], "grade:1": 3.5, 7: "x"})
    assert {finding.field for finding in findings} >= {"code", "level", "grade:1"}
    assert isinstance(record, MemberRecord) and record.level is None
