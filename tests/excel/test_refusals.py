"""A workbook of ours that is not this unit's, this year's, a known version, or intact: refused, each its way."""
from __future__ import annotations

import io
import json

import openpyxl
import pytest

from kdweb.excel import MESSAGES, build_workbook
from kdweb.excel.metadata import META_SHEET

from .builders import (
    CYCLE, ISSUED_BEFORE_LAYOUT_2, SECRET, UNIT, VERSION, Filler, build_demo, demo_roster, edit_issued_rows, fill_clean,
    read_demo, reissued_in_layout,
)


@pytest.fixture(scope="module")
def filled() -> bytes:
    return fill_clean(Filler(build_demo())).bytes()


def refused(result, code: str) -> None:
    assert result.ok is False and result.batch is None and result.findings == []
    assert result.problem.code == code, result.problem
    assert result.problem.message and "{" not in result.problem.message  # every placeholder filled


def edit_meta(data: bytes, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[META_SHEET]
    edit(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def payload_cell(sheet):
    return next(row[1] for row in sheet.iter_rows() if row[0].value == "payload")


def test_another_units_workbook(filled):
    # the expected unit has downloaded its own copies (2024.1, 2024.2): the file's version is not among them
    result = read_demo(filled, expected_unit_code="DC", known_template_versions={"2024.2", "2024.3"})
    refused(result, "E-WRONG-UNIT")
    message = result.problem.message
    assert "Đảng bộ phường Kim Mã (mã KM)" in message and "(mã DC)" in message
    assert "phiên bản" not in message and "chép số liệu" not in message


def test_last_years_workbook(filled):
    # a new cycle is open: nothing of last year's is a known version of this year's
    result = read_demo(filled, open_cycle_year=2025, known_template_versions={"2025.1"})
    refused(result, "E-OLD-CYCLE")
    message = result.problem.message
    assert "năm 2024" in message and "tải tệp mẫu năm 2025" in message
    assert "phiên bản" not in message


def test_a_future_cycles_workbook(filled):
    result = read_demo(filled, open_cycle_year=2023, known_template_versions=set())
    refused(result, "E-OTHER-CYCLE")
    assert "năm 2024" in result.problem.message and "năm 2023" in result.problem.message


def test_another_units_workbook_of_last_year_is_named_by_unit_first(filled):
    result = read_demo(filled, expected_unit_code="DC", open_cycle_year=2025, known_template_versions=set())
    refused(result, "E-WRONG-UNIT")


def test_a_template_version_no_longer_accepted(filled):
    result = read_demo(filled, known_template_versions={"2024.2"})
    refused(result, "E-VERSION")
    assert "2024.1" in result.problem.message and "tải tệp mẫu mới" in result.problem.message


def test_an_older_layout_is_told_after_the_version(filled, monkeypatch):
    import kdweb.excel.reader as reader

    monkeypatch.setattr(reader, "READ_LAYOUTS", frozenset())  # the site now reads only newer layouts
    refused(read_demo(filled), "E-LAYOUT")
    refused(read_demo(filled, known_template_versions={"2024.9"}), "E-VERSION")


def test_a_forged_file_is_tampered_before_anything_it_claims_is_trusted(filled):
    # signed with another secret and claiming another unit and year: the signature is checked first
    result = read_demo(filled, secret=b"the production secret", expected_unit_code="DC", open_cycle_year=2025,
                       known_template_versions=set())
    refused(result, "E-TAMPERED")


def test_a_workbook_signed_with_another_secret(filled):
    refused(read_demo(filled, secret=b"the production secret"), "E-TAMPERED")


@pytest.fixture(params=["issued now", "layout 2", "issued before layout 2"])
def either_layout(request, filled) -> bytes:
    if request.param == "layout 2":
        return reissued_in_layout(filled, 2)
    return filled if request.param == "issued now" else ISSUED_BEFORE_LAYOUT_2.read_bytes()


def test_a_roster_edited_in_the_hidden_sheet(either_layout):
    assert read_demo(either_layout).ok

    def add_a_member(sheet):
        cell = payload_cell(sheet)
        edited = edit_issued_rows(cell.value, lambda rows: rows + [["DV013", *rows[-1][1:]]] if rows[0][0] == "DV001" else rows)
        assert edited != cell.value
        cell.value = edited

    result = read_demo(edit_meta(either_layout, add_a_member))
    refused(result, "E-TAMPERED")
    assert result.problem.message == MESSAGES["E-TAMPERED"]


def test_a_hidden_sheet_changed_to_pass_for_another_unit(either_layout):
    def claim_unit(sheet):
        cell = payload_cell(sheet)
        cell.value = cell.value.replace('"code":"KM"', '"code":"DC"')

    refused(read_demo(edit_meta(either_layout, claim_unit), expected_unit_code="DC"), "E-TAMPERED")


def test_a_mangled_payload(filled):
    def mangle(sheet):
        payload_cell(sheet).value = "{not json"

    refused(read_demo(edit_meta(filled, mangle)), "E-TAMPERED")


def test_a_plain_workbook_is_not_ours():
    book = openpyxl.Workbook()
    book.active["A1"] = "Mã đảng viên"
    buffer = io.BytesIO()
    book.save(buffer)
    refused(read_demo(buffer.getvalue()), "E-NOT-KDWEB")


def test_a_sheet_named_like_ours_without_the_marker(filled):
    def unmark(sheet):
        sheet["A1"] = "something else"

    refused(read_demo(edit_meta(filled, unmark)), "E-NOT-KDWEB")


def test_an_unknown_rule_set_is_a_version_problem():
    cycle = type(CYCLE)(**{**CYCLE.__dict__, "rule_set_id": "qd366-2025"})
    with pytest.raises(KeyError):
        build_workbook(UNIT, cycle, demo_roster(), template_version=VERSION, secret=SECRET)


def test_the_payload_states_what_the_server_checks(filled):
    book = openpyxl.load_workbook(io.BytesIO(filled))
    body = json.loads("".join(row[1].value for row in book[META_SHEET].iter_rows() if row[0].value == "payload"))
    assert (body["unit"]["code"], body["cycle_year"], body["template_version"], body["rule_set_id"]) == (
        "KM", 2024, VERSION, "qd132-hd21")
