"""The roster import against the upload's guards: a roster saved by Excel as a web page (.htm, or .mht in one file)
or as XML Spreadsheet 2003 — named .xls, .xlsx, .csv, .htm, .mht or .xml — is told what it is and how to save it as
.xlsx in the very words the workbook upload uses (E-WEB-PAGE, E-XML-2003), whether it is read in the request or by
its preview job; other files keep the roster's own answers (tests/excel/test_saved_as_markup.py: the upload)."""
import html
import io
import pathlib

import pytest

from kdweb.excel import MESSAGES
from kdweb.extensions import db
from kdweb.models import RosterImport
from tests.admin.files import HEADERS, csv_bytes
from tests.admin.test_roster_import import upload
from tests.excel.test_saved_as_markup import WEB_PAGES, XML_SPREADSHEETS

GENERIC = "Chỉ nhận tệp .xlsx, .ods hoặc .csv."
SAVED_AS = {**{f"web page: {name}": ("E-WEB-PAGE", data) for name, data in WEB_PAGES.items()},
            **{f"XML 2003: {name}": ("E-XML-2003", data) for name, data in XML_SPREADSHEETS.items()}}
NAMES = ["danh-sach.xls", "danh-sach.xlsx", "danh-sach.csv", "danh-sach.htm", "danh-sach.mht", "danh-sach.xml"]


def refusal_on_the_page(client, name, content) -> str:
    response = client.post("/admin/roster/imports", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    return html.unescape(response.get_data(as_text=True))


def imports(query):
    return query(lambda: db.session.scalar(db.select(db.func.count(RosterImport.id))))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("case", list(SAVED_AS), ids=list(SAVED_AS))
def test_a_roster_saved_as_markup_gets_the_uploads_advice(client, admin, query, case, name):
    code, content = SAVED_AS[case]
    page = refusal_on_the_page(client, name, content)
    assert MESSAGES[code] in page
    assert GENERIC not in page and "Không đọc được tệp" not in page
    assert imports(query) == 0  # refused before anything is kept


@pytest.mark.parametrize("code, content", [("E-WEB-PAGE", WEB_PAGES["Excel web page (windows-1258)"]),
                                           ("E-XML-2003", XML_SPREADSHEETS["Excel"])])
def test_a_large_one_read_by_its_preview_job_is_told_the_same(client, admin, app, monkeypatch, code, content):
    monkeypatch.setitem(app.config, "KDWEB_ROSTER_PREVIEW_IN_REQUEST_BYTES", 0)  # kept unread, read by the job
    import_id = upload(client, "danh-sach.xlsx", content)
    page = html.unescape(client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True))
    assert 'data-job-state="failed"' in page and MESSAGES[code] in page


@pytest.mark.parametrize("name, content", [
    ("danh-sach.txt", csv_bytes([HEADERS, [1, "DV1", "An"]])),
    ("danh-sach.xml", b'<?xml version="1.0"?>\n<w:document xmlns:w="urn:word"/>'),
    ("danh-sach.pdf", b"%PDF-1.4 ..."),
], ids=["CSV named .txt", "other XML", "PDF"])
def test_other_files_keep_the_rosters_own_answer(client, admin, query, name, content):
    page = refusal_on_the_page(client, name, content)
    assert GENERIC in page and MESSAGES["E-WEB-PAGE"] not in page and MESSAGES["E-XML-2003"] not in page
    assert imports(query) == 0


def test_a_csv_roster_whose_text_begins_like_markup_is_still_read_as_csv(client, admin, query):
    content = csv_bytes([["<Ghi chú>", *HEADERS], ["", 1, "DV900001", "Phạm Văn Mới"]])
    page = refusal_on_the_page(client, "danh-sach.csv", content)
    assert MESSAGES["E-WEB-PAGE"] not in page and GENERIC not in page
    assert imports(query) == 1


def test_the_advice_is_written_once():
    root = pathlib.Path(__file__).parents[2]
    for code in ("E-WEB-PAGE", "E-XML-2003"):
        words = MESSAGES[code][:60]
        holders = [path.relative_to(root).as_posix() for folder in ("kdweb", "templates")
                   for path in (root / folder).rglob("*") if path.suffix in (".py", ".html")
                   and words in path.read_text(encoding="utf-8")]
        assert holders == ["kdweb/excel/problems.py"], (code, holders)
