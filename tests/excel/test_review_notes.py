"""Review comments carried back as notes: on the cell a comment names, and on the row of a subject whose code it
names, the code found under its sheet's code header wherever the unit moved that column."""
import io

from openpyxl import Workbook, load_workbook

from kdweb.excel import ReviewNote, add_review_notes
from kdweb.excel.columns import HEADER_ROW, sheet_specs
from kdweb.excel.instructions import SHEET as INSTRUCTIONS
from kdweb.rules import SubjectKind, get_rule_set

MEMBERS = next(spec for spec in sheet_specs(get_rule_set()) if spec.kind is SubjectKind.MEMBER)


def workbook_with_code_in_column(column: int) -> bytes:
    book = Workbook()
    book.active.title = INSTRUCTIONS
    sheet = book.create_sheet(MEMBERS.name)
    sheet.cell(HEADER_ROW, column, MEMBERS.code_column.header)
    sheet.cell(HEADER_ROW, 1, "Ghi chú của đơn vị")
    for offset, code in enumerate(["DV000071", "DV000072", "DV000073"], start=1):
        sheet.cell(HEADER_ROW + offset, column, code)
        sheet.cell(HEADER_ROW + offset, 1, "DV000073 ghi ở cột khác, không phải mã")  # not under the code header
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def notes(data: bytes) -> dict[tuple[str, str], str]:
    book = load_workbook(io.BytesIO(data))
    return {(sheet.title, cell.coordinate): cell.comment.text for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.comment}


def test_a_code_far_to_the_right_still_puts_the_note_on_its_row():
    comment = "Cần xem lại mức xếp loại của đảng viên DV000072."  # the code ends the sentence
    data = add_review_notes(workbook_with_code_in_column(9), [ReviewNote("Ban Tổ chức", "07/12/2026 09:30", comment)])
    placed = notes(data)
    assert set(placed) == {(INSTRUCTIONS, "A1"), (MEMBERS.name, f"A{HEADER_ROW + 2}")}
    assert all(comment in text for text in placed.values())


def test_a_named_cell_gets_the_note_and_a_sheet_without_a_code_header_gets_none():
    comment = f"Ô '{MEMBERS.name}'!K{HEADER_ROW + 1} ghi sai."
    book = Workbook()
    book.active.title = INSTRUCTIONS
    book.create_sheet(MEMBERS.name).cell(HEADER_ROW + 1, 2, "DV000071")  # no header row: codes are not looked for
    buffer = io.BytesIO()
    book.save(buffer)
    placed = notes(add_review_notes(buffer.getvalue(), [ReviewNote("Ban Tổ chức", "07/12/2026", comment + " DV000071")]))
    assert set(placed) == {(INSTRUCTIONS, "A1"), (MEMBERS.name, f"K{HEADER_ROW + 1}")}
