"""RowParser.with_facts (typed roster facts + typed cells, repeating cells remembered) reads every row exactly as
the plain parser reads the same row as one dict."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdweb.rules import CollectiveRecord, Grade, LeaderRecord, MemberRecord, OrganisationRecord
from kdweb.rules.parse import (
    CIVIL_RATING_CHOICES, DISCIPLINE_CHOICES, GRADE_CHOICES, LEVEL_CHOICES, REASON_CHOICES, YES_NO_CHOICES,
)
from kdweb.rules.rows import RowParser
from kdweb.rules.terms import ORGANISATION_KINDS, UnitKind

# What a cell can hold as calamine returns it: blank, the listed choices, short forms, typos, numbers, booleans,
# dates, stray spaces and case.
CHOICES = LEVEL_CHOICES + GRADE_CHOICES + YES_NO_CHOICES + DISCIPLINE_CHOICES + REASON_CHOICES + CIVIL_RATING_CHOICES
CELLS = st.one_of(
    st.just(""), st.just(""), st.sampled_from(CHOICES), st.sampled_from(["tốt", " HTXSNV ", "XS", "x", "có", "K", "Giỏi"]),
    st.sampled_from([0.0, 1.0, 2.5, 12.0, True, False, date(2024, 5, 1)]),
    st.sampled_from(["HTTNV, HTXSNV", "HTXSNV, HTTNV, HTNV", "HTTNV, Tốt", "HTTNV,, KHTNV, xx", "1,5", "12/03/2024",
                     "NguyÔn V¨n A", "  "]),
)
MEMBER_CELLS = (
    "grade:1", "grade:2", "grade:3", "grade:4", "grade:5", "level", "not_rated_reason", "civil_rating",
    "disciplined_in_year", "discipline", "violation_counted_before", "discipline_origin_elsewhere",
    "discipline_origin_unit", "targets_below_half", "sick_leave_months", "maternity_leave_months",
    "transfer_remarks_received", "temporary_remarks_received", "monthly_ratings", "remarks", "month:3",
)
MEMBER_FACTS = st.fixed_dictionaries({
    "code": st.sampled_from(["DV001", "DV002"]), "name": st.sampled_from(["Nguyễn Văn An", "Lê Thị Hoà"]),
    "unit_code": st.just("KM"), "cell_code": st.sampled_from(["CB01", ""]),
    "birth_date": st.none() | st.just(date(1960, 5, 1)), "probationary": st.booleans(),
    "admitted_on": st.none() | st.just(date(1985, 3, 12)), "exempt": st.booleans(), "transferred_in": st.booleans(),
    "months_at_old_place": st.none() | st.just(4.0), "post": st.sampled_from(["", "Bí thư"]),
})
KINDS = {
    MemberRecord: (MEMBER_FACTS, MEMBER_CELLS),
    OrganisationRecord: (
        st.fixed_dictionaries({"code": st.just("CB01"), "name": st.just("Chi bộ 1"), "unit_code": st.just("KM"),
                               "kind": st.sampled_from(ORGANISATION_KINDS), "founded_on": st.none() | st.just(date(2000, 1, 1))}),
        ("grade:I.1", "grade:II.2", "level", "not_rated_reason", "self_remedied", "same_level_bodies_lowest",
         "discipline", "remarks"),
    ),
    CollectiveRecord: (
        st.fixed_dictionaries({"code": st.just("TT01"), "name": st.just("Ban Thường vụ"), "unit_code": st.just("KM")}),
        ("grade:1", "level", "member_discipline", "main_target_missed", "force_majeure", "led_unit_level", "remarks"),
    ),
    LeaderRecord: (
        st.fixed_dictionaries({"code": st.just("LD01"), "name": st.just("Trần Văn B"), "unit_code": st.just("KM"),
                               "heads": st.just(("CB01", "CB02")), "party_member": st.booleans()}),
        ("grade:1", "level", "headed_unit_level", "corruption_under_leadership", "corruption_self_remedied", "remarks"),
    ),
}


@st.composite
def rows(draw):
    record_type = draw(st.sampled_from(list(KINDS)))
    facts_strategy, cell_keys = KINDS[record_type]
    if record_type is MemberRecord and draw(st.booleans()):  # the list of months alone: read apart from the tuple
        cell_keys = tuple(key for key in cell_keys if not key.startswith("month:"))
    facts = draw(facts_strategy)
    # several rows through one parser, so that remembered cell tuples are reused across rows
    cells = draw(st.lists(st.tuples(*[CELLS] * len(cell_keys)), min_size=1, max_size=6))
    return record_type, facts, cell_keys, cells


def fast_parser(record_type, facts: dict, cell_keys, conversions=None) -> RowParser:
    return RowParser(record_type, cell_keys=cell_keys, fact_keys=tuple(facts), fact_conversions=conversions)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(rows(), st.randoms(use_true_random=False))
def test_the_fast_path_reads_each_row_as_the_plain_parser_does(case, random):
    record_type, facts, cell_keys, rows_of_cells = case
    keys = list(facts)
    random.shuffle(keys)  # facts in any order, landing on the record's fields in runs or one by one
    facts = {key: facts[key] for key in keys}
    fast, plain = fast_parser(record_type, facts, cell_keys), RowParser(record_type)
    for cells in rows_of_cells + rows_of_cells[:1]:  # the first row again: a remembered tuple
        raw = dict(facts) | {key: value for key, value in zip(cell_keys, cells) if value != ""}
        assert fast.with_facts(tuple(facts.values()), cells) == plain(raw)
    # the same rows as a sheet holds them: the cells among other columns, in another order, read where they are
    at = [2 * position + 1 for position in range(len(cell_keys))][::-1]
    in_rows = fast_parser(record_type, facts, cell_keys).usual_rows(cells_at=at)
    for cells in rows_of_cells + rows_of_cells[:1]:
        row = ["other"] * (2 * len(cell_keys) + 1)
        for index, value in zip(at, cells):
            row[index] = value
        raw = dict(facts) | {key: value for key, value in zip(cell_keys, cells) if value != ""}
        assert in_rows(tuple(facts.values()), row) == plain(raw)
        assert in_rows(tuple(facts.values())[:-1], row) == fast.with_facts(tuple(facts.values())[:-1], cells)


def test_signed_facts_are_converted_and_unconvertible_ones_refused():
    facts = {"code": "CB01", "name": "Chi bộ 1", "unit_code": "KM", "kind": "cell", "founded_on": "2000-01-31"}
    parser = fast_parser(OrganisationRecord, facts, ("level",), {"kind": UnitKind, "founded_on": date.fromisoformat})
    record, findings = parser.with_facts(tuple(facts.values()), ("HTTNV",))
    assert not findings and (record.kind, record.founded_on) == (UnitKind.CELL, date(2000, 1, 31))
    plain = RowParser(OrganisationRecord)
    # facts of another shape are read as typed text, as the plain parser reads them
    odd = {"code": "CB01", "name": "Chi bộ 1", "unit_code": "KM", "kind": "no-such-kind", "founded_on": None}
    assert parser.with_facts(tuple(odd.values()), ("HTTNV",)) == plain(odd | {"level": "HTTNV"})
    assert parser.with_facts(tuple(odd.values())[:2], ("HTTNV",)) == plain(  # a row of another length
        {"code": "CB01", "name": "Chi bộ 1", "level": "HTTNV"})
    unknown = fast_parser(MemberRecord, {"code": "DV1", "nickname": "Tí"}, ("level",))
    assert unknown.with_facts(("DV1", "Tí"), ("HTTNV",)) == RowParser(MemberRecord)(  # a fact of no field
        {"code": "DV1", "nickname": "Tí", "level": "HTTNV"})


def test_equal_cells_of_other_types_are_not_mixed_up():
    """1.0, True and "1" are equal or alike as dict keys but are read differently."""
    facts = {"code": "DV001", "name": "An", "unit_code": "KM"}
    parser, plain = fast_parser(MemberRecord, facts, ("level", "exempt")), RowParser(MemberRecord)
    for cells in [(1.0, True), (True, 1.0), ("1", "1"), (1.0, True)]:
        record, findings = parser.with_facts(tuple(facts.values()), cells)
        assert (record, findings) == plain(facts | dict(zip(("level", "exempt"), cells)))
    by_bool, by_number = (parser.with_facts(tuple(facts.values()), cells)[1][0].message for cells in [(True, True), (1.0, True)])
    assert by_bool != by_number


def test_grades_shared_by_rows_that_read_alike_cannot_be_changed():
    parser = fast_parser(MemberRecord, {"code": "", "name": "", "unit_code": ""}, ("grade:1", "level"))
    first, _ = parser.with_facts(("DV1", "A", "KM"), ("Tốt", "HTTNV"))
    second, _ = parser.with_facts(("DV2", "B", "KM"), ("Tốt", "HTTNV"))
    ungraded, _ = parser.with_facts(("DV3", "C", "KM"), ("", "HTTNV"))
    assert first.grades == second.grades == {"1": Grade.TOT} and ungraded.grades == {}
    for grades in (first.grades, ungraded.grades):
        with pytest.raises(TypeError):
            grades["1"] = Grade.KEM  # a change to one would be a change to all


def test_rows_typed_differently_but_read_alike_share_one_reading():
    """The memo is keyed by what the cells read as, not by their text; the list of months is read apart."""
    parser = fast_parser(MemberRecord, {"code": "", "name": "", "unit_code": ""},
                         ("grade:1", "level", "monthly_ratings"))
    first, _ = parser.with_facts(("DV1", "A", "KM"), ("Xuất sắc", "HTXSNV", "HTTNV, HTXSNV"))
    second, _ = parser.with_facts(("DV2", "B", "KM"), ("XS", "Hoàn thành xuất sắc nhiệm vụ", "HTXSNV, HTTNV"))
    assert first.grades is second.grades and first.level is second.level
    assert first.monthly_ratings == second.monthly_ratings[::-1] != second.monthly_ratings
    assert len(parser._cell_parts) == 1


def test_a_parser_makes_no_reference_cycle():
    """A sheet's parser and its memos go as soon as the sheet is read, not at the collector's next pass."""
    import gc
    import weakref

    facts = {"code": "DV001", "name": "An", "unit_code": "KM"}
    cell_keys = ("grade:1", "level", "monthly_ratings", "remarks")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        parser = fast_parser(MemberRecord, facts, cell_keys)
        usual = parser.usual_rows()
        for cells in [("XS", "tốt", "HTTNV, HTXSNV", "ghi chú"), ("Tốt", "HTXSNV", "HTTNV", ""), (1.0, "x", "", "")]:
            usual(tuple(facts.values()), cells)
            parser(facts | dict(zip(cell_keys, cells)))
        gone = weakref.ref(parser)
        del parser, usual
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_dropdowns_readings_are_kept_for_the_process_bounded():
    """Texts that read without a problem are kept across parsers; typos and long texts are read per sheet."""
    from kdweb.rules import rows as row_module
    from kdweb.rules.parse import parse_level

    facts = {"code": "DV001", "name": "An", "unit_code": "KM"}
    kept = row_module._choice_texts(parse_level)
    long_text = "Hoàn thành tốt nhiệm vụ" + " " * 200
    for text in ("  hoàn thành TỐT nhiệm vụ ", "Hoàn thành tốtt", long_text):
        record, findings = fast_parser(MemberRecord, facts, ("level",)).with_facts(tuple(facts.values()), (text,))
        assert (record, findings) == RowParser(MemberRecord)(facts | {"level": text})
    assert "  hoàn thành TỐT nhiệm vụ " in kept
    assert "Hoàn thành tốtt" not in kept and long_text not in kept
    assert len(row_module._CHOICE_READINGS) <= row_module._SHARED_READINGS
