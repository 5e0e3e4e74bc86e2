"""A dropdown cell that holds only invisible characters (a zero-width space, a BOM, a direction mark pasted from a web
page or chat, kept in Excel's shared-string table) looks empty, and is read as empty: the unit is told the value is
missing, never that “​” is not a valid choice."""
from __future__ import annotations

import re

import pytest

from kdweb.rules.parse import parse_grade, parse_level, parse_yes_no
from tests import sheet_xml

from . import files
from .builders import MEMBERS_SHEET, build_demo, column_of, read_demo

INVISIBLE = ["\u200b", "\ufeff", "\u200f\u200e", "\u2060\u00ad", " \u200b\u00a0"]


@pytest.mark.parametrize("parser", [parse_level, parse_grade, parse_yes_no], ids=["level", "grade", "yes/no"])
@pytest.mark.parametrize("text", INVISIBLE, ids=["zero-width space", "BOM", "direction marks",
                                                  "word joiner and soft hyphen", "among spaces"])
def test_a_choice_of_only_invisible_characters_is_blank(parser, text):
    parsed = parser(text)
    assert parsed.ok and parsed.value is None and not parsed.not_rated


def test_a_level_cell_holding_a_zero_width_space_is_told_as_missing():
    book = sheet_xml.Book(build_demo())
    level = ord(column_of(MEMBERS_SHEET, "level")) - 64
    book.type_into(MEMBERS_SHEET, {5: {level: "PLACEHOLDER"}})
    data = book.bytes()
    parts = files.zip_parts(data)
    parts["xl/sharedStrings.xml"] = re.sub(rb"<si><t>PLACEHOLDER</t></si>", "<si><t>\u200b</t></si>".encode(),
                                           parts["xl/sharedStrings.xml"])
    result = read_demo(files.make_zip(parts))
    told = [finding for finding in result.findings if finding.subject_code == "DV001" and finding.field == "level"]
    assert [finding.rule for finding in told] == ["M-LEVEL"], told
    assert "chưa có mức xếp loại" in told[0].message and "\u200b" not in told[0].message
