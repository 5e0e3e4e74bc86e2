"""Roster text that looks like a formula is written into the unit's workbook as text, and reads back unchanged."""
import io
from msgspec.structs import replace

from openpyxl import load_workbook

from kdweb.rules import SubjectKind
from tests.excel.builders import MEMBERS_SHEET, build_demo, demo_roster, read_demo

EVIL = '=HYPERLINK("http://evil.example/","Bấm vào đây")'


def test_a_formula_looking_name_stays_text_and_reads_back():
    roster = demo_roster()
    roster.members[0] = replace(roster.members[0], name=EVIL, post="+84 912 345 678")
    data = build_demo(roster)
    sheet = load_workbook(io.BytesIO(data))[MEMBERS_SHEET]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value in (EVIL, "+84 912 345 678")]
    assert len(cells) == 2 and all(cell.data_type == "s" for cell in cells)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    result = read_demo(data)
    member = next(m for m in result.batch.members if m.code == roster.members[0].code)
    assert member.name == EVIL
    assert not [f for f in result.findings if f.rule == "W-IDENTITY"]
    assert result.batch.records_of(SubjectKind.MEMBER)
