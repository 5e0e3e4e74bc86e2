"""The tolerant parser: canonical texts, short forms, case, spaces, NFD; anything else lists the allowed values."""
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdweb.rules import (
    Discipline, Grade, Level, NotRatedReason, UnitKind, parse_civil_rating, parse_date, parse_discipline, parse_grade,
    parse_level, parse_not_rated_reason, parse_number, parse_org_kind, parse_yes_no,
)
from kdweb.rules.parse import display_text


@pytest.mark.parametrize("typed, level", [
    ("Hoàn thành xuất sắc nhiệm vụ", Level.HTXSNV),
    ("HTXSNV", Level.HTXSNV),
    ("htxsnv", Level.HTXSNV),
    ("xuất sắc", Level.HTXSNV),
    ("  Hoàn   thành TỐT nhiệm vụ ", Level.HTTNV),
    ("tốt", Level.HTTNV),
    ("HTNV", Level.HTNV),
    ("Hoàn thành nhiệm vụ", Level.HTNV),
    ("không hoàn thành", Level.KHTNV),
    (unicodedata.normalize("NFD", "Không hoàn thành nhiệm vụ"), Level.KHTNV),
    (Level.HTTNV, Level.HTTNV),
])
def test_levels(typed, level):
    parsed = parse_level(typed)
    assert parsed.value is level and parsed.error is None and not parsed.not_rated


@pytest.mark.parametrize("blank", [None, "", "   ", "\t"])
def test_blank_is_no_value_and_no_error(blank):
    for parser in (parse_level, parse_grade, parse_yes_no, parse_discipline, parse_not_rated_reason, parse_civil_rating, parse_date, parse_number):
        parsed = parser(blank)
        assert parsed.value is None and parsed.error is None


def test_not_rated_is_a_flag_not_a_level():
    parsed = parse_level(" không XẾP loại ")
    assert parsed.not_rated and parsed.value is None and parsed.error is None


def test_unknown_level_lists_the_allowed_values():
    parsed = parse_level("Giỏi")
    assert parsed.value is None
    assert "“Giỏi”" in parsed.error
    for text in ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ", "Không xếp loại"):
        assert text in parsed.error


def test_civil_rating_accepts_the_2019_level_as_htnv():
    assert parse_civil_rating("Hoàn thành nhiệm vụ nhưng còn hạn chế về năng lực").value is Level.HTNV
    assert parse_civil_rating("HTXSNV").value is Level.HTXSNV
    assert parse_level("Hoàn thành nhiệm vụ nhưng còn hạn chế về năng lực").error


@pytest.mark.parametrize("typed, grade", [("Xuất sắc", Grade.XUAT_SAC), ("XS", Grade.XUAT_SAC), ("tốt", Grade.TOT), ("Trung bình", Grade.TRUNG_BINH), ("TB", Grade.TRUNG_BINH), ("KÉM", Grade.KEM)])
def test_grades(typed, grade):
    assert parse_grade(typed).value is grade


def test_unknown_grade_lists_the_grades():
    error = parse_grade("Khá").error
    assert "Xuất sắc" in error and "Trung bình" in error and "Kém" in error


@pytest.mark.parametrize("typed, value", [("Có", True), ("x", True), ("X", True), (True, True), (1, True), (1.0, True), ("không", False), ("Không", False), (0, False), (False, False)])
def test_yes_no(typed, value):
    assert parse_yes_no(typed).value is value


def test_yes_no_rejects_anything_else():
    assert "“Có”" in parse_yes_no("có lẽ").error
    assert parse_yes_no(2).error


@pytest.mark.parametrize("typed, form", [("Khiển trách", Discipline.KHIEN_TRACH), ("cảnh cáo", Discipline.CANH_CAO), ("Kỷ luật cách chức", Discipline.CACH_CHUC), ("Hình thức kỷ luật khai trừ", Discipline.KHAI_TRU)])
def test_discipline_forms(typed, form):
    assert parse_discipline(typed).value is form


def test_discipline_none_and_unknown():
    assert parse_discipline("Không").value is None and parse_discipline("Không").error is None
    assert "Khiển trách" in parse_discipline("phê bình").error


@pytest.mark.parametrize("typed, reason", [
    ("Miễn công tác và sinh hoạt đảng", NotRatedReason.EXEMPT),
    ("miễn sinh hoạt", NotRatedReason.EXEMPT),
    ("Đình chỉ sinh hoạt đảng", NotRatedReason.SUSPENDED),
    ("Mới kết nạp chưa đủ 6 tháng", NotRatedReason.NEW),
    ("mới thành lập", NotRatedReason.NEW),
    ("Sinh hoạt tạm thời", NotRatedReason.TEMPORARY),
    ("Lý do khác", NotRatedReason.OTHER),
])
def test_not_rated_reasons(typed, reason):
    assert parse_not_rated_reason(typed).value is reason


def test_unknown_reason_lists_the_reasons():
    assert "Đình chỉ sinh hoạt đảng" in parse_not_rated_reason("ốm").error


@pytest.mark.parametrize("typed, day", [
    (date(2024, 6, 1), date(2024, 6, 1)),
    (datetime(2024, 6, 1, 8, 30), date(2024, 6, 1)),
    ("01/06/2024", date(2024, 6, 1)),
    ("1-6-2024", date(2024, 6, 1)),
    ("2024-06-01", date(2024, 6, 1)),
    (45444, date(2024, 6, 1)),
    (45444.0, date(2024, 6, 1)),
])
def test_dates(typed, day):
    assert parse_date(typed).value == day


@pytest.mark.parametrize("typed", ["31/02/2024", "hôm qua", True])
def test_bad_dates(typed):
    assert "ngày/tháng/năm" in parse_date(typed).error


def test_numbers_accept_a_decimal_comma_and_refuse_negatives():
    assert parse_number("2,5").value == 2.5 and parse_number(6).value == 6.0
    assert parse_number("-1").error and parse_number("ba").error and parse_number(float("nan")).error


@pytest.mark.parametrize("typed, number", [
    ("3", 3.0), (" 3 ", 3.0), ("2,5", 2.5), ("2.5", 2.5), ("0,5", 0.5), (",5", 0.5), ("007", 7.0),
    ("1 000", 1000.0), ("1\u00a0000,5", 1000.5), ("\t4\n", 4.0),
])
def test_a_number_typed_as_text_is_read_in_the_forms_people_type(typed, number):
    assert parse_number(typed).value == number and parse_number(typed).ok


@pytest.mark.parametrize("typed", [
    "2e1", "2E1", "1e-3", "inf", "Infinity", "-inf", "nan", "NaN", "1_000", "0x10", "+3", "-1", "2,5,1", "2.5.1",
    "1,000.5", "2 5", "10 00", "5.", "٣", "３", "1e400", "½", "3 tháng", "",
])
def test_any_other_text_is_not_a_number_at_its_cell(typed):
    parsed = parse_number(typed)
    if not typed:
        assert parsed.ok and parsed.value is None  # blank
        return
    assert parsed.value is None
    assert parsed.error == f"“{typed.strip()}” không phải số hợp lệ (số không âm, ví dụ 3 hoặc 2,5)."


def test_a_number_cell_is_read_as_it_is():
    """A real number cell keeps its value: Excel turned a typed 2e1 into 20 itself."""
    assert parse_number(20.0).value == 20.0 and parse_number(1e-3).value == 0.001 and parse_number(7).value == 7.0
    assert parse_number(float("inf")).error and parse_number(-1.5).error


def test_org_kinds():
    assert parse_org_kind("Chi bộ trực thuộc").value is UnitKind.CELL
    assert parse_org_kind("đảng bộ cơ sở").value is UnitKind.GRASSROOTS_COMMITTEE
    assert parse_org_kind("ban").error


def test_error_messages_never_echo_control_characters():
    error = parse_level("Tốt\x00\x1b lắm").error
    assert "“Tốt lắm”" in error and "\x00" not in error and "\x1b" not in error


_PIECES = [*" \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2003\u2028\u2029\u202f\u3000", "  ", "a", "Đặ", "e\u0301", "\u200b",
           "\x00", "\x07", "."]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=12).map("".join))
def test_display_text_is_nfc_single_spaced_without_control_characters(value):
    """The tidy-text shortcut gives what the whole recipe gives, whatever blanks and controls the cell holds."""
    plain = " ".join(unicodedata.normalize("NFC", value).split())
    plain = "".join(char for char in plain if unicodedata.category(char) != "Cc")
    assert display_text(value) == plain


def test_display_text_tidies_each_kind_of_blank():
    assert display_text("  Nguyễn\u00a0Văn\tAn\n") == "Nguyễn Văn An"
    assert display_text("Nguye\u0302\u0303n  Văn An") == "Nguyễn Văn An"
    assert display_text("Văn\x07An") == "VănAn"
    assert display_text("Văn An") == "Văn An"


@pytest.mark.parametrize("typed, meant", [
    ("Hoàn thành tốt nhiệm vu", "Hoàn thành tốt nhiệm vụ"),
    ("Hoàn thành tốt nhiêm vụ", "Hoàn thành tốt nhiệm vụ"),
    ("Hoàn thàng xuất sắc nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ"),
    ("Không hoàn thành nhiệm vu", "Không hoàn thành nhiệm vụ"),
])
def test_a_mistyped_level_gets_a_suggestion(typed, meant):
    error = parse_level(typed).error
    assert f"Có phải: “{meant}”?" in error and "Chọn một trong:" in error


@pytest.mark.parametrize("typed", ["rất tốt", "abc", "Hoàn thành nhiệm vụ tốt"])
def test_no_suggestion_when_none_stands_out(typed):
    assert "Có phải" not in parse_level(typed).error


def test_property_tests_have_no_deadline_to_miss_on_a_loaded_machine():
    """tests/conftest.py's profile: the examples above are timed out by nothing but their own count."""
    assert settings.default.deadline is None


@pytest.mark.parametrize("typed, months", [(0, 0.0), (12, 12.0), ("2,5", 2.5), ("12", 12.0), (" 3 ", 3.0), (None, None)])
def test_months_in_the_year_read_from_0_to_12(typed, months):
    from kdweb.rules.parse import parse_months
    assert parse_months(typed).ok and parse_months(typed).value == months


@pytest.mark.parametrize("typed", [13, "13", 12.5, 90, 1e20, "365"])
def test_more_months_than_a_year_holds_is_refused_in_vietnamese(typed):
    from kdweb.rules.parse import parse_months
    parsed = parse_months(typed)
    assert not parsed.ok and "không phải số tháng hợp lệ trong năm đánh giá (từ 0 đến 12" in parsed.error


@pytest.mark.parametrize("field", ["sick_leave_months", "maternity_leave_months"])
def test_a_member_row_with_more_months_than_a_year_names_the_cell_and_reads_the_rest(field):
    from kdweb.rules import parse_member_row
    record, findings = parse_member_row({"code": "DV1", "name": "Nguyễn Văn A", "level": "HTTNV", field: 14,
                                         "remarks": "Ghi chú"})
    assert [(f.rule, f.field) for f in findings] == [("P-VALUE", field)]
    assert "“14”" in findings[0].message and record.remarks == "Ghi chú" and field in record.unreadable
