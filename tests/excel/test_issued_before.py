"""Workbooks issued before a change of the code keep reading: layout 1 of each rule set is frozen (its columns as
written in tests/excel/data/layout_1.json), and two workbooks filled and saved by an earlier version of the code,
one per rule set, still read to the same records and findings, cell for cell."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kdweb.excel.columns import LISTS, sheet_specs
from kdweb.rules import SubjectKind, get_rule_set

from .builders import read_demo

DATA = Path(__file__).parent / "data"
FROZEN = json.loads((DATA / "layout_1.json").read_text(encoding="utf-8"))
ISSUED = json.loads((DATA / "issued_findings.json").read_text(encoding="utf-8"))


def _as_frozen(column, rule_set) -> list:
    """The column as the rule set issues it: help and bounds with its parameters' figures (the formula as declared)."""
    bounds = list(column.range_under(rule_set)) if column.bounds else None
    return [column.key, column.header, column.width, column.role, column.kind, column.choices,
            column.help_under(rule_set), bounds, column.formula, column.read, list(column.summary)]


@pytest.mark.parametrize("rule_set_id", ["qd132-hd21", "qd366-hd43"])
def test_layout_1_columns_never_change(rule_set_id):
    rule_set = get_rule_set(rule_set_id)
    specs = sheet_specs(rule_set, 1)
    assert {spec.kind.code: [_as_frozen(column, rule_set) for column in spec.columns] for spec in specs} == \
        FROZEN[rule_set_id]


def test_the_dropdown_lists_of_layout_1_keep_their_texts():
    assert {key: list(texts) for key, texts in LISTS.items() if key in FROZEN["lists"]} == FROZEN["lists"]


@pytest.mark.parametrize("name", sorted(ISSUED))
def test_a_workbook_filled_before_the_change_reads_the_same(name):
    result = read_demo((DATA / name).read_bytes())
    assert result.ok and result.metadata.columns_layout == 1
    assert {kind.code: len(result.batch.records_of(kind)) for kind in SubjectKind} == ISSUED[name]["records"]
    found = [[f.rule, f.sheet, f.cell, f.field, f.message] for f in result.findings]
    assert found == ISSUED[name]["findings"]
