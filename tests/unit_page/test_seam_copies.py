"""The reader against the writer of the copies: an upload is read by calamine, while its annotated copy and the
returned copy with Ban Tổ chức's notes are written by openpyxl. What the reader accepted must give its copies, or
a Vietnamese answer saying why not, never a 500: cells merged by the unit (a note cannot sit on a covered cell),
a workbook saved as “Strict Open XML Spreadsheet” (openpyxl cannot open it), a reviewer's comment naming a cell
under a merge or no cell at all; under both rule sets, through download → fill → upload → submit → return."""
import io

import pytest
from openpyxl import load_workbook

from kdweb.excel import FIRST_DATA_ROW
from kdweb.extensions import db
from kdweb.models import Upload
from kdweb.rules import SubjectKind
from tests.excel import files
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_seam_cells import issued, newest_findings, rated_codes, saved  # noqa: F401 (fixture)
from tests.workbooks import cell_of, changed, fill

STRICT = {  # Transitional → Strict namespaces, as Excel's “Strict Open XML Spreadsheet” writes them
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
}
NO_COPY = "Hệ thống không tạo được bản sao của tệp này"  # E-NO-COPY


def newest_version(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(Upload.version).order_by(Upload.id.desc())).scalars().first()


def as_strict(data: bytes) -> bytes:
    parts = files.zip_parts(data)
    for name, content in parts.items():
        if name.endswith((".xml", ".rels")):
            for transitional, strict in STRICT.items():
                content = content.replace(transitional, strict)
            parts[name] = content
    return files.make_zip(parts)


def row_of(ref: str) -> int:
    return int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def comment_at(data: bytes, sheet: str, ref: str) -> str:
    comment = load_workbook(io.BytesIO(data))[sheet][ref].comment
    return comment.text if comment else ""


def submit_newest(client, app):
    """Submit the newest upload through the page's form, its warnings (a clean fill may have some) acknowledged."""
    with app.app_context():
        upload_id = db.session.execute(db.select(Upload.id).order_by(Upload.id.desc())).scalars().first()
    response = client.post(f"/units/{UNIT}/submit",
                           data={"confirmed": "1", "acknowledge_warnings": "1", "upload_id": upload_id})
    assert response.status_code == 303, response.get_data(as_text=True)[-800:]


def return_with(client, auth, comment):
    auth.login_as("reviewer")
    assert client.post(f"/review/units/{UNIT}/return", data={"comment": comment}).status_code == 303
    auth.login_as("staff", UNIT)


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_a_level_merged_over_two_rows_is_marked_on_the_merge_in_the_annotated_copy(client, app, issued, kind):
    """W-MERGED points at the covered cell, where openpyxl takes no note: the copy marks the merge's first cell with
    both messages (the covered cell's and the blank level's), as the unit sees one cell."""
    rule_set_id, data, values, _batch = issued
    first, second = rated_codes(issued, kind)
    sheet, one = cell_of(data, kind, first, "level", rule_set_id)
    _, other = cell_of(data, kind, second, "level", rule_set_id)
    top, bottom = sorted((one, other), key=row_of)
    book = load_workbook(io.BytesIO(fill(data, values, rule_set_id)))
    book[sheet][bottom].value = None
    book[sheet].merge_cells(f"{top}:{bottom}")
    upload(client, saved(book))
    found = newest_findings(app)
    assert ("W-MERGED", f"'{sheet}'!{bottom}") in [(rule, at) for rule, at, _ in found], found

    copy = client.get(f"/units/{UNIT}/v/{newest_version(app)}/annotated.xlsx")
    assert copy.status_code == 200, copy.get_data(as_text=True)[-600:]
    note = comment_at(copy.data, sheet, top)
    assert "[W-MERGED]" in note and f"vùng gộp ô {top}:{bottom}" in note, note


def test_a_workbook_saved_as_strict_open_xml_is_read_and_its_copies_say_why_they_cannot_be_made(client, auth, app,
                                                                                             issued):
    """calamine reads Strict Open XML, openpyxl does not: the upload is checked as any other; the annotated copy and
    the returned copy answer 422 with their message, the unit page and the preview still serve, nothing is lost."""
    rule_set_id, data, values, batch = issued
    member = rated_codes(issued, SubjectKind.MEMBER, 1)[0]
    sheet, level = cell_of(data, SubjectKind.MEMBER, member, "level", rule_set_id)
    upload(client, as_strict(fill(data, changed(values, member, level="Hoàn thành tốt lắm"), rule_set_id)))
    assert [(rule, at) for rule, at, _ in newest_findings(app)] == [("P-VALUE", f"'{sheet}'!{level}")]
    version = newest_version(app)
    copy = client.get(f"/units/{UNIT}/v/{version}/annotated.xlsx")
    assert copy.status_code == 422 and NO_COPY in copy.get_data(as_text=True)
    assert client.get(f"/units/{UNIT}/v/{version}/preview").status_code == 200

    strict_clean = as_strict(fill(data, values, rule_set_id))
    assert "Không có lỗi" in upload(client, strict_clean).get_data(as_text=True)
    submit_newest(client, app)
    return_with(client, auth, f"Xem lại mức của đảng viên {member}.")
    returned = client.get(f"/units/{UNIT}/returned.xlsx")
    assert returned.status_code == 422 and NO_COPY in returned.get_data(as_text=True)
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert f"Xem lại mức của đảng viên {member}." in page
    original = client.get(f"/units/{UNIT}/v/{newest_version(app)}/original")
    assert original.status_code == 200 and original.data == strict_clean


def test_the_returned_copy_puts_each_note_on_a_cell_the_unit_sees(client, auth, app, issued):
    """The unit merged the STT cells of two members' rows (a column the reader leaves alone: the file is clean); the
    reviewer's comment names the second member (its row's first cell is under the merge), a cell of the merged
    title row, and an address no sheet has: the notes go on the merges' first cells, the impossible address is
    left to the comment on the instructions sheet."""
    rule_set_id, data, values, _batch = issued
    first, second = rated_codes(issued, SubjectKind.MEMBER)
    sheet, one = cell_of(data, SubjectKind.MEMBER, first, "code", rule_set_id)
    _, other = cell_of(data, SubjectKind.MEMBER, second, "code", rule_set_id)
    top, bottom = sorted((row_of(one), row_of(other)))
    book = load_workbook(io.BytesIO(fill(data, values, rule_set_id)))
    book[sheet].merge_cells(f"A{top}:A{bottom}")
    assert "Không có lỗi" in upload(client, saved(book)).get_data(as_text=True), newest_findings(app)[:3]
    submit_newest(client, app)
    covered = second if row_of(other) == bottom else first
    comment = f"Đảng viên {covered}: xem lại. Tiêu đề '{sheet}'!C1 ghi sai năm; '{sheet}'!A0 không có."
    return_with(client, auth, comment)

    returned = client.get(f"/units/{UNIT}/returned.xlsx")
    assert returned.status_code == 200, returned.get_data(as_text=True)[-600:]
    assert comment in comment_at(returned.data, sheet, f"A{top}")  # the row's first cell, under the merge
    assert comment in comment_at(returned.data, sheet, "A1")  # the title row's merge
    assert comment in comment_at(returned.data, "Hướng dẫn", "A1")
    assert FIRST_DATA_ROW <= top
