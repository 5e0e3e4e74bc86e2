"""From counts per unit to rows: grouping, subtotals, totals, identities, last year's figures, chart bars."""
from datetime import date
from decimal import Decimal

from kdweb.reports import (
    Counts, MissingUnit, ReportedUnit, UnitCounts, build_report, level_bars, measure_from_query, measure_query,
    with_previous,
)
from kdweb.reports.charts import BAR_WIDTH, BAR_X
from kdweb.reports.selection import Selection, UnknownSelection
from kdweb.reports.vocabulary import LEVELS, MEASURES, REASONS

import pytest


def counts(levels="", reasons=(), disciplined=0) -> Counts:
    letters = {"X": "HTXSNV", "T": "HTTNV", "N": "HTNV", "K": "KHTNV"}
    values = {"roster": len(levels) + len(reasons), "rated": len(levels), "not_rated": len(reasons),
              "disciplined": disciplined}
    for letter in levels:
        values[letters[letter]] = values.get(letters[letter], 0) + 1
    for reason in reasons:
        values[reason] = values.get(reason, 0) + 1
    return from_measures(values)


def from_measures(values: dict[str, int]) -> Counts:
    """Counts from numbers by measure name ("HTXSNV", "EXEMPT", "roster"); a measure left out is 0."""
    return Counts(**{measure.lower(): int(values.get(measure) or 0) for measure in MEASURES})


def broken_identities(row: Counts) -> list[str]:
    """The identities of docs/rulebook.md §6 this row breaks; empty when it adds up."""
    broken = []
    if row.roster != row.rated + row.not_rated:
        broken.append("roster = rated + not rated")
    if row.rated != sum(row.get(level) for level in LEVELS):
        broken.append("rated = HTXSNV + HTTNV + HTNV + KHTNV")
    if row.not_rated != sum(row.get(reason) for reason in REASONS):
        broken.append("not rated = sum of the reasons")
    if row.disciplined > row.rated:
        broken.append("disciplined ≤ rated")
    return broken


UNITS = [
    ReportedUnit(1, "BD", "Đảng bộ Quận", None, 1, "approved"),
    ReportedUnit(2, "BD.P01", "Phường A", "Đảng bộ phường", 2, "approved"),
    ReportedUnit(3, "BD.TH01", "Trường B", "Khối giáo dục", 5, "submitted"),
    ReportedUnit(4, "BD.P02", "Phường C", "Đảng bộ phường", 7, "approved"),
]


def sample_report():
    data = [
        UnitCounts(2, "MEMBER", None, counts("XTT", ("EXEMPT", "TEMPORARY"))),
        UnitCounts(4, "MEMBER", None, counts("XTTTTTNK", ("NEW",), disciplined=1)),
        UnitCounts(3, "MEMBER", None, counts("TTN")),
        UnitCounts(1, "COLLECTIVE", "Trường học", counts("XT")),
        UnitCounts(1, "COLLECTIVE", "Cấp ủy", counts("T")),
        UnitCounts(2, "COLLECTIVE", "Cấp ủy", counts("TN", ("NEW",))),
    ]
    missing = [MissingUnit("BD.TH02", "Trường D", "Khối giáo dục", "not_downloaded", None, 6)]
    return build_report(2026, "submitted", date(2026, 12, 20), UNITS, data, missing)


def test_rows_are_grouped_in_unit_order_with_subtotals_first_and_the_total_last():
    table = sample_report().table("MEMBER")
    assert [(row.row_type, row.number, row.label) for row in table.rows] == [
        ("group", "I", "Đảng bộ phường"), ("unit", "1", "Phường A"), ("unit", "2", "Phường C"),
        ("group", "II", "Khối giáo dục"), ("unit", "1", "Trường B"),
        ("total", "", "Tổng cộng toàn Đảng bộ"),
    ]
    assert table.rows[0].counts == counts("XTT", ("EXEMPT", "TEMPORARY")) + counts("XTTTTTNK", ("NEW",), 1)
    assert table.total.counts.roster == 5 + 9 + 3


def test_every_row_obeys_the_identities():
    for table in sample_report().tables:
        for row in table.all_rows():
            assert broken_identities(row.counts) == []


def test_identities_catch_a_row_that_does_not_add_up():
    assert broken_identities(Counts(roster=3, rated=3, htxsnv=1, not_rated=0)) == [
        "rated = HTXSNV + HTTNV + HTNV + KHTNV"]
    assert broken_identities(Counts(roster=4, rated=1, htnv=1, not_rated=2, other=2)) == [
        "roster = rated + not rated"]


def test_the_district_unit_is_labelled_cap_quan_and_rating_groups_are_summed_across_units():
    table = sample_report().table("COLLECTIVE")
    assert table.group_rows[0].label == "Cấp trên cơ sở"
    assert table.group_rows[0].filters == {"group": "~"}
    by_label = {row.label: row for row in table.rating_group_rows}
    assert by_label["Cấp ủy"].counts == counts("TTN", ("NEW",))
    assert by_label["Trường học"].counts == counts("XT")
    assert table.rating_group_rows[-1].counts == table.total.counts
    assert sample_report().table("MEMBER").rating_group_rows == ()


def test_percentages_and_ratio_of_a_row():
    ward = sample_report().table("MEMBER").unit_rows[0]
    assert ward.percent("HTXSNV") == Decimal("33.33")
    assert ward.percent("HTTNV") == Decimal("66.67")
    assert ward.ratio == Decimal("50.00")
    school = sample_report().table("MEMBER").unit_rows[2]
    assert school.ratio == Decimal("0.00")
    assert sample_report().table("ORGANISATION").total.ratio is None


def test_a_unit_not_yet_approved_is_noted_and_missing_units_are_kept_in_unit_order():
    report = sample_report()
    assert [row.note for row in report.table("MEMBER").unit_rows] == ["", "", "Đã nộp, chờ duyệt"]
    assert [unit.code for unit in report.missing] == ["BD.TH02"]
    assert report.expected_count == 5
    assert "4 lượt" not in report.table("MEMBER").notes[0]
    assert "1 lượt ghi tên này, tức 16 đảng viên" in report.table("MEMBER").notes[0]


def test_last_years_figures_are_matched_by_unit_group_and_total():
    previous = build_report(2025, "submitted", date(2025, 12, 20), UNITS[:2],
                            [UnitCounts(2, "MEMBER", None, counts("XXTTTTTNNK"))], [])
    report = with_previous(sample_report(), previous)
    rows = {row.key: row for row in report.table("MEMBER").rows}
    assert report.previous_year == 2025
    assert rows[("unit", "BD.P01")].previous_percent("HTXSNV") == Decimal("20.00")
    assert rows[("group", "Đảng bộ phường")].previous_percent("KHTNV") == Decimal("10.00")
    assert rows[("total",)].previous_ratio == Decimal("40.00")
    assert rows[("unit", "BD.TH01")].previous is None


def test_chart_segments_are_contiguous_and_fill_the_bar():
    table = sample_report().table("MEMBER")
    chart = level_bars([*table.group_rows, table.total])
    assert [bar.label for bar in chart.bars] == ["Đảng bộ phường", "Khối giáo dục", "Tổng cộng toàn Đảng bộ"]
    for bar in chart.bars:
        assert bar.segments[0].x == BAR_X
        for left, right in zip(bar.segments, bar.segments[1:]):
            assert left.x + left.width == right.x
        assert bar.segments[-1].x + bar.segments[-1].width == BAR_X + BAR_WIDTH
    assert [s.level for s in chart.bars[1].segments] == ["HTTNV", "HTNV"]
    assert chart.bars[-1].is_total


def test_every_measure_has_a_query_that_reads_back_as_itself():
    for measure in MEASURES:
        assert measure_from_query(measure_query(measure)) == measure
    selection = Selection("LEADER", "disciplined", rating_group="Hiệu trưởng")
    assert Selection.from_query(selection.query()) == selection


@pytest.mark.parametrize("args", [
    {"kind": "person"}, {"kind": "MEMBER", "level": "XS"}, {"kind": "MEMBER", "reason": "sick"},
    {"kind": "MEMBER", "level": "HTNV", "reason": "NEW"}, {"kind": "MEMBER", "disciplined": "yes"},
    {"kind": "MEMBER", "level": "EXEMPT"}, {"kind": "MEMBER", "reason": "HTNV"},
])
def test_unknown_selections_are_refused(args):
    with pytest.raises(UnknownSelection):
        Selection.from_query(args)


def test_the_distinct_members_note_prints_its_numbers_the_vietnamese_way():
    from kdweb.reports.counts import Counts
    from kdweb.reports.tables import _temporary_note

    note = _temporary_note(Counts(roster=12_650, temporary=38), distinct_members=12_632)
    assert "gồm cả 38 lượt ghi tên này (20 người trong số đó" in note
    assert "tức 12.632 đảng viên không tính trùng" in note
    assert "tức 12.612" in _temporary_note(Counts(roster=12_650, temporary=38))  # no count given: all are twice


def test_the_report_speaks_the_statuses_words():
    from kdweb.domain import WorkbookStatus
    from kdweb.reports.vocabulary import state_text

    for state in ("submitted", "returned", "approved"):
        assert state_text(state) == WorkbookStatus(state).text
    assert state_text(None) == "Chưa nộp"
