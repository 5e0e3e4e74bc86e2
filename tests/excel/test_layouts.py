"""The column set belongs to the rule set and a layout version recorded in the signed metadata: a workbook keeps
being read with the columns it was issued with, and a new input is one declaration (docs/rules.md, recipe)."""
from __future__ import annotations

import io

import openpyxl
import pytest

from dataclasses import replace

from kdweb.excel import columns
from kdweb.excel.columns import FIRST_DATA_ROW, current_layout, extended_layout, sheet_specs
from kdweb.excel.summary import SHEET as SUMMARY
from kdweb.rules import SubjectKind, get_rule_set
from kdweb.rules.field_registry import REGISTRY

from .builders import MEMBERS_SHEET, Filler, read_demo
from .test_workbook_366 import build_366, fill_366

RS = get_rule_set("qd366-hd43")
# the recipe: the field's declaration with its dropdown and the value the summary counts, and its key in a layout
# (a field 366 left out: the new declaration carries it under 366 too)
NEW_INPUT = replace(REGISTRY["targets_below_half"], header="Hoàn thành dưới 50% chỉ tiêu được giao", width=14.0,
                    help="Chọn “Có” nếu đúng.", summary=("Có",), left_out=frozenset())


@pytest.fixture
def newer_layout(monkeypatch):
    issued_before = build_366()
    layout = extended_layout("qd366-hd43", SubjectKind.MEMBER, NEW_INPUT.name, registry=REGISTRY.declaring(NEW_INPUT))
    monkeypatch.setitem(columns.LAYOUTS["qd366-hd43"], layout.version, layout)
    return issued_before, layout.version


def test_a_workbook_issued_before_a_column_change_still_reads(newer_layout):
    issued_before, version = newer_layout
    assert current_layout("qd366-hd43") == version
    old = fill_366(Filler(issued_before, "qd366-hd43", layout=version - 1))
    result = read_demo(old.bytes())
    assert result.ok and result.metadata.columns_layout == version - 1
    assert not [finding for finding in result.findings if finding.rule == "W-COLUMN"]
    assert {finding.rule for finding in result.findings} == {"Q-25"}


def test_a_new_member_input_has_its_dropdown_summary_count_help_and_is_read(newer_layout):
    _, version = newer_layout
    data = build_366()
    spec = next(spec for spec in sheet_specs(RS, version) if spec.kind is SubjectKind.MEMBER)
    letter = spec.column_letter("targets_below_half")
    book = openpyxl.load_workbook(io.BytesIO(data))
    areas = {str(rule.sqref): rule for rule in book[MEMBERS_SHEET].data_validations.dataValidation}
    assert areas[f"{letter}{FIRST_DATA_ROW}:{letter}16"].type == "list"
    headers = [cell.value for cell in book[SUMMARY][4]]
    count_at = headers.index("Hoàn thành dưới 50% chỉ tiêu được giao: Có") + 1
    formula = book[SUMMARY].cell(5, count_at).value
    assert formula == f"=SUMPRODUCT((TRIM('{MEMBERS_SHEET}'!${letter}$5:${letter}$16)=\"Có\"))"
    guide = [cell.value for row in book["Hướng dẫn"].iter_rows() for cell in row]
    assert "Chọn “Có” nếu đúng." in guide
    filler = fill_366(Filler(data, "qd366-hd43", layout=version))
    filler.set(MEMBERS_SHEET, "DV001", targets_below_half="Có")
    result = read_demo(filler.bytes())
    assert result.metadata.columns_layout == version
    assert [member.code for member in result.batch.members if member.targets_below_half] == ["DV001"]


def test_a_layout_1_workbook_with_its_old_spelling_still_reads(monkeypatch):
    """Layout 2 only respelled two headers ("tỉ lệ" → "tỷ lệ"): a workbook issued with layout 1 keeps its own."""
    monkeypatch.setitem(columns.LAYOUTS, "qd366-hd43", {1: columns.LAYOUTS["qd366-hd43"][1]})
    issued_before = build_366()
    monkeypatch.undo()
    assert current_layout("qd366-hd43") == 2
    book = openpyxl.load_workbook(io.BytesIO(issued_before))
    assert "Nhóm tính tỉ lệ (trống: theo quy định chung)" in [cell.value for cell in book[MEMBERS_SHEET][4]]
    result = read_demo(fill_366(Filler(issued_before, "qd366-hd43", layout=1)).bytes())
    assert result.ok and result.metadata.columns_layout == 1
    assert not [finding for finding in result.findings if finding.rule == "W-COLUMN"]


def test_a_layout_this_server_does_not_know_is_refused(newer_layout, monkeypatch):
    _, version = newer_layout
    data = build_366()
    monkeypatch.delitem(columns.LAYOUTS["qd366-hd43"], version)
    result = read_demo(data)
    assert not result.ok and result.problem.code == "E-VERSION"


def test_the_specs_kept_per_rule_set_and_layout_are_those_of_the_rule_set_and_layout_asked(monkeypatch):
    """sheet_specs answers from a memo: for every rule set, ones derived with other figures in their headers or
    other criteria, and every layout of each (the newest too), asked in any order and again, the specs worked out
    afresh; a layout taken out of LAYOUTS is refused and the newest is then the one before; forgetting empties
    it."""
    from kdweb.rules import RULE_SETS, Criterion, process_memos

    def fresh(rule_set, layout):
        version = columns.layout_of(rule_set.id, layout).version
        figures = tuple((name, columns.parameter_text("{%s}" % name, rule_set))
                        for name in columns._header_figures(rule_set.id, version))
        return columns._specs(rule_set.id, version, tuple((kind, rule_set.criteria_of(kind)) for kind in SubjectKind),
                              figures)

    asked = []
    for rule_set in RULE_SETS.values():
        criteria = {**rule_set.criteria, SubjectKind.MEMBER: (Criterion("9", "Tiêu chí thêm"),)}
        for each in (rule_set, rule_set.with_changes(quota_share=0.3, small_group_threshold=7),
                     rule_set.with_changes(criteria=criteria)):
            asked += [(each, layout) for layout in (None, *columns.LAYOUTS[each.id])]
    for _ in range(2):
        for rule_set, layout in asked + asked[::-1]:
            assert sheet_specs(rule_set, layout) == fresh(rule_set, layout)
    newest = max(columns.LAYOUTS[RS.id])
    monkeypatch.delitem(columns.LAYOUTS[RS.id], newest)
    with pytest.raises(KeyError):
        sheet_specs(RS, newest)
    assert sheet_specs(RS) == fresh(RS, newest - 1)
    process_memos.forget()
    assert not columns._SPECS_OF
