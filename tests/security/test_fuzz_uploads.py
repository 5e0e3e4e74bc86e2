"""Property-based mutation of a valid workbook (cells, XML, zip entries) through the upload endpoint:
never a 500, always a message the unit can read."""
import io
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell
from openpyxl.utils.exceptions import IllegalCharacterError

from tests import loaded
from tests.excel import files

UNIT = "BD.P01"
EXAMPLES = 25
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def workbook(client, auth):
    auth.login_as("staff", UNIT)
    return client.get(f"/units/{UNIT}/workbook.xlsx").data


def assert_answered(client, data):
    response = client.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")},
                           content_type="multipart/form-data", headers={"HX-Request": "true"})
    assert response.status_code == 200, response.status_code
    body = response.get_data(as_text=True)
    assert "data-problem=" in body or "Kết quả kiểm tra" in body


cell_values = st.one_of(
    st.none(), st.text(max_size=40), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 1, 1)), st.booleans(),
    st.sampled_from(["=1/0", "=HYPERLINK(\"http://x\")", "Hoàn thành tốt nhiệm vụ", "Không xếp loại", "DV000001",
                     "Hoa\u0300n tha\u0300nh", "Ð", "\x00", " " * 300]),
)
cell_edits = st.lists(st.tuples(st.integers(0, 3), st.integers(1, 80), st.integers(1, 40), cell_values),
                      min_size=1, max_size=8)


@pytest.mark.slow
@FUZZ
@given(edits=cell_edits)
def test_mutated_cells(client, workbook, edits):
    book = loaded.load_workbook(workbook)  # a new copy of the same parse each example (tests/loaded.py)
    for sheet_index, row, column, value in edits:
        sheet = book.worksheets[sheet_index % len(book.worksheets)]
        cell = sheet.cell(row=row, column=column)
        before = cell.value
        try:
            cell.value = value
        except (ValueError, TypeError, AttributeError, IllegalCharacterError):
            # control characters, merged cells: openpyxl refuses them, and so does Excel. openpyxl has set the
            # cell's type before refusing, so the old value is put back, else the workbook would not save.
            if not isinstance(cell, MergedCell):
                cell.value = before
    buffer = io.BytesIO()
    book.save(buffer)
    assert_answered(client, buffer.getvalue())


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mutated_xml(client, workbook, data):
    parts = files.zip_parts(workbook)
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    content = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, max(0, len(content) - 1)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        chunk = data.draw(st.binary(min_size=1, max_size=16))
        if action == "delete":
            del content[at:at + len(chunk)]
        elif action == "insert":
            content[at:at] = chunk
        else:
            content[at:at + len(chunk)] = chunk
    parts[name] = bytes(content)
    assert_answered(client, files.make_zip(parts))


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mutated_zip(client, workbook, data):
    parts = files.zip_parts(workbook)
    action = data.draw(st.sampled_from(["drop", "duplicate", "rename", "truncate", "flip"]))
    name = data.draw(st.sampled_from(sorted(parts)))
    if action == "drop":
        del parts[name]
        mutated = files.make_zip(parts)
    elif action == "duplicate":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for part, content in parts.items():
                archive.writestr(part, content)
            archive.writestr(name, b"<x/>")
        mutated = buffer.getvalue()
    elif action == "rename":
        parts[name + ".old"] = parts.pop(name)
        mutated = files.make_zip(parts)
    elif action == "truncate":
        mutated = workbook[: data.draw(st.integers(0, len(workbook) - 1))]
    else:
        at = data.draw(st.integers(0, len(workbook) - 1))
        mutated = workbook[:at] + bytes([workbook[at] ^ data.draw(st.integers(1, 255))]) + workbook[at + 1:]
    assert_answered(client, mutated)
