"""The preview keeps in view the columns that name a row: found from the column registry (SheetSpec.label_columns)
on every subject sheet of both rule sets, wherever they stand in the uploaded sheet, never assumed to be A–C."""
import re

import pytest

from kdweb.excel.columns import sheet_specs
from kdweb.excel.sheets import pinned_columns
from kdweb.rules import SubjectKind
from kdweb.rules.registry import RULE_SETS
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.workbooks import clean_values, fill

HEADER_CELL = re.compile(r'<th scope="col"( class="pinned" data-pin="(\d+)")?>([A-Z]+)</th>')


def pinned_headers(fragment: str) -> list[str]:
    """The header texts (row 4 of the sheet) of the cells the preview pins."""
    header_row = fragment[fragment.index('class="preview-header-row"'):fragment.index("</tr>", fragment.index(
        'class="preview-header-row"'))]
    return [re.sub(r"<[^>]+>", "", text).strip()
            for text in re.findall(r'<td data-cell="[A-Z]+\d+" data-pin="\d+"[^>]*>(.*?)</td>', header_row, re.S)]


@pytest.mark.parametrize("rule_set_id", sorted(RULE_SETS))
def test_every_sheet_has_label_columns_through_the_name(rule_set_id):
    for spec in sheet_specs(RULE_SETS[rule_set_id]):
        keys = [column.key for column in spec.label_columns]
        assert keys[-1] == "name" and "code" in keys, (rule_set_id, spec.kind, keys)
        assert all(column.role in ("index", "identity") for column in spec.label_columns)


def test_pinned_columns_follow_the_labels_where_the_unit_put_them():
    spec = next(spec for spec in sheet_specs(RULE_SETS["qd132-hd21"]) if spec.kind is SubjectKind.MEMBER)
    in_order = {index: column.key for index, column in enumerate(spec.columns)}
    assert pinned_columns(in_order, spec) == tuple(range(len(spec.label_columns)))
    no_index = {0: "code", 1: "name", 2: "birth_date"}  # STT deleted: code and name are A and B
    assert pinned_columns(no_index, spec) == (0, 1)
    name_moved = {0: "index", 1: "code", 2: "birth_date", 3: "name"}  # what follows a moved column cannot stick
    assert pinned_columns(name_moved, spec) == (0, 1)
    assert pinned_columns({0: "birth_date", 1: "code", 2: "name"}, spec) == ()


def preview_of_every_sheet(client, specs) -> dict[str, str]:
    fragments = {}
    for spec in specs:
        response = client.get(f"/units/{UNIT}/v/1/preview", query_string={"sheet": spec.name},
                              headers={"HX-Request": "true", "HX-Target": "preview"})
        assert response.status_code == 200
        fragments[spec.name] = response.get_data(as_text=True)
    return fragments


def assert_pins_match_the_registry(fragments, specs):
    for spec in specs:
        fragment = fragments[spec.name]
        assert f'data-sheet="{spec.name}"' in fragment
        pinned = [int(index) for _whole, index, _letter in HEADER_CELL.findall(fragment) if index]
        assert pinned == list(range(len(spec.label_columns))), spec.name
        assert pinned_headers(fragment) == [column.header for column in spec.label_columns], spec.name
        name_cells = re.findall(r'<td data-cell="[A-Z]+\d+" data-pin="(\d+)"', fragment)
        rows = fragment.count('<th scope="row" class="rowhead">')
        assert len(name_cells) == rows * len(spec.label_columns)  # every row, header row included


def test_the_preview_pins_the_label_columns_of_every_qd132_sheet(client, download, batch):
    upload(client, fill(download(), clean_values(batch)))
    specs = sheet_specs(RULE_SETS["qd132-hd21"])
    assert_pins_match_the_registry(preview_of_every_sheet(client, specs), specs)


def test_the_preview_pins_the_label_columns_of_every_qd366_sheet(client, auth, app, batch):
    switch_to_366(client, auth, app)
    auth.login_as("staff", UNIT)
    data = client.get(f"/units/{UNIT}/workbook.xlsx").data
    upload(client, fill(data, scored_values(batch), "qd366-hd43"))
    specs = sheet_specs(RULE_SETS["qd366-hd43"])
    assert len(specs[0].columns) != len(sheet_specs(RULE_SETS["qd132-hd21"])[0].columns)  # another layout
    assert_pins_match_the_registry(preview_of_every_sheet(client, specs), specs)
