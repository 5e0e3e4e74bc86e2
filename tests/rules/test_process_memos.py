"""What reading rows keeps for the process (a sandbox worker's life): the same records and findings whatever the
process read before, nothing of one unit's own kept, every memo bounded and forgotten on demand."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdweb.rules import MemberRecord, process_memos
from kdweb.rules import rows as row_module
from kdweb.rules.rows import RowParser
from kdweb.rules.text import _normalise_vietnamese

from .test_row_fast_path import CELLS, KINDS, fast_parser

PROCESS_MEMOS = ("_TEXT_TOKENS", "_PARTS", "_TOKENS", "_MONTH_LISTS", "_PLANS", "_CHOICE_READINGS")


@pytest.fixture(autouse=True)
def fresh_process():
    process_memos.forget()
    yield
    process_memos.forget()


def read_sheet(record_type, facts: dict, cell_keys, rows_of_cells) -> list:
    """The rows as a sheet's loop reads them: one parser, its usual_rows bound once."""
    usual = fast_parser(record_type, facts, cell_keys).usual_rows()
    return [usual(tuple(facts.values()), cells) for cells in rows_of_cells]


@st.composite
def uploads(draw):
    """A sheet's rows for one kind, and the same kind's rows of earlier uploads (other units)."""
    record_type = draw(st.sampled_from(list(KINDS)))
    facts_strategy, cell_keys = KINDS[record_type]
    if record_type is MemberRecord and draw(st.booleans()):  # the list of months alone: read apart
        cell_keys = tuple(key for key in cell_keys if not key.startswith("month:"))
    sheet = st.lists(st.tuples(*[CELLS] * len(cell_keys)), min_size=1, max_size=6)
    return record_type, draw(facts_strategy), cell_keys, draw(sheet), draw(st.lists(sheet, min_size=1, max_size=3))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(uploads())
def test_a_worker_reads_each_upload_as_a_fresh_process_does(case):
    record_type, facts, cell_keys, target, earlier = case
    process_memos.forget()
    fresh = read_sheet(record_type, facts, cell_keys, target)
    process_memos.forget()
    for rows_of_cells in earlier + [target[::-1]]:  # other units' sheets, and this sheet's rows in another order
        read_sheet(record_type, facts, cell_keys, rows_of_cells)
    assert read_sheet(record_type, facts, cell_keys, target) == fresh
    plain = RowParser(record_type)
    assert fresh == [plain(facts | {key: value for key, value in zip(cell_keys, cells) if value != ""})
                     for cells in target]


def _every_memo_as_text() -> str:
    kept = [getattr(row_module, name) for name in PROCESS_MEMOS]
    kept += [dict(texts) for texts in row_module._CHOICE_TEXTS.values()]
    return repr(kept)


def test_nothing_of_a_units_own_is_kept_for_the_process():
    """Free text, a text read with a problem, a code, a number typed as text, a date: read per sheet only."""
    facts = {"code": "DV001", "name": "Nguyễn Văn Riêng", "unit_code": "KM"}
    keys = ("level", "grade:1", "remarks", "discipline_origin_unit", "sick_leave_months", "monthly_ratings",
            "civil_rating")
    own = ("Ghi chú riêng của chi bộ", "Hoàn thành tốtt", "BD.RIENG01", "2,75", "Khá giỏi", "HTTNV, HTTTNV")
    rows_of_cells = [
        ("Hoàn thành tốt nhiệm vụ", "Tốt", own[0], "", "", "HTTNV, HTXSNV", ""),
        (own[1], own[4], "", own[2], own[3], own[5], "HTTNV"),
        ("HTTNV", "tốt", "", "", 2.0, "", date(2024, 5, 1)),
    ]
    for keys_read in (keys, keys[:-2] + ("monthly_ratings", "month:3")):  # the months listed apart, and in the tuple
        read_sheet(MemberRecord, facts, keys_read, rows_of_cells)
    kept = _every_memo_as_text()
    assert "Hoàn thành tốt nhiệm vụ" in kept and "HTTNV, HTXSNV" in kept  # the vocabulary is
    for text in own + (facts["name"],):
        assert text not in kept


def test_the_memos_stay_within_their_bounds_and_read_alike_past_them(monkeypatch):
    for name in ("_TEXT_TOKENS", "_PARTS", "_TOKENS", "_MONTH_LISTS"):
        monkeypatch.setattr(getattr(row_module, name), "bound", 3)
    facts = {"code": "DV001", "name": "An", "unit_code": "KM"}
    keys = ("grade:1", "grade:2", "level", "monthly_ratings")
    spellings = ("Tốt", "tốt", "Xuất sắc", "XS", "TB", "")
    rows_of_cells = [(first, second, level, months) for first in spellings for second in spellings[::-1]
                     for level, months in (("HTTNV", "HTTNV"), ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV, HTTNV"))]
    first = read_sheet(MemberRecord, facts, keys, rows_of_cells)
    second = read_sheet(MemberRecord, facts, keys, rows_of_cells[::-1])
    assert second == first[::-1]
    plain = RowParser(MemberRecord)
    assert first == [plain(facts | {key: value for key, value in zip(keys, cells) if value != ""})
                     for cells in rows_of_cells]
    for name in ("_TEXT_TOKENS", "_PARTS", "_TOKENS", "_MONTH_LISTS"):
        assert 0 < len(getattr(row_module, name)) <= 3


def test_forget_empties_every_memo_the_reading_filled():
    facts = {"code": "DV001", "name": "Nguyễn Văn An", "unit_code": "KM"}
    keys = ("grade:1", "level", "monthly_ratings")
    read_sheet(MemberRecord, facts, keys, [("Tốt", "Hoàn thành tốt nhiệm vụ", "HTTNV, HTXSNV")] * 2)
    _normalise_vietnamese("Hoàn thành tốt nhiệm vụ")
    assert all(getattr(row_module, name) for name in PROCESS_MEMOS)
    process_memos.forget()
    assert not any(getattr(row_module, name) for name in PROCESS_MEMOS)
    assert not row_module._CHOICE_TEXTS and _normalise_vietnamese.cache_info().currsize == 0
