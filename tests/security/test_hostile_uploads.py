"""The reader's guards, proven again through the HTTP endpoint: each hostile file gets its own Vietnamese
message, is kept, and nothing crashes; the size limit answers in the page and in the htmx fragment."""
import io
import os
import tempfile

import pytest

from kdweb.extensions import db
from kdweb.models import Upload
from tests.excel import files

UNIT = "BD.P01"


@pytest.fixture
def workbook(client, auth):
    auth.login_as("staff", UNIT)
    return client.get(f"/units/{UNIT}/workbook.xlsx").data


def send(client, data, filename="ket-qua.xlsx", htmx=True):
    headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}
    return client.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", headers=headers)


def members_part(data):
    return next(name for name in files.zip_parts(data) if name.startswith("xl/worksheets/sheet")
                and name != "xl/worksheets/sheet1.xml")


HOSTILE = {
    "E-XLS": lambda good: files.xls_file(),
    "E-ENCRYPTED": lambda good: files.encrypted_xlsx_file(),
    "E-ODS": lambda good: files.ods_file(),
    "E-CSV": lambda good: "Mã,Họ và tên\nDV000001,Nguyễn Văn A\n".encode(),
    "E-WEB-PAGE": lambda good: b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table/></body></html>',
    "E-XML-2003": lambda good: b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook/>',
    "E-PDF": lambda good: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n" * 20,
    "E-MACRO": lambda good: files.add_parts(good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512}),
    "E-ZIP-BOMB": lambda good: files.dense_bomb(good, megabytes=20),
    "E-XML-BOMB": lambda good: files.patch_part(good, "xl/workbook.xml", rb"^", files.BILLION_LAUGHS),
    "E-DIMENSION": lambda good: files.patch_part(good, members_part(good), rb'<dimension ref="[^"]*"',
                                                 b'<dimension ref="A1:XFD1048576"'),
    "E-CORRUPT": lambda good: good[: len(good) // 2],
}


@pytest.mark.parametrize("code", list(HOSTILE))
def test_each_hostile_file_gets_its_message_and_is_kept(client, app, workbook, code):
    data = HOSTILE[code](workbook)
    response = send(client, data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'data-problem="{code}"' in body and "Tệp vẫn được lưu lại" in body
    with app.app_context():
        stored = db.session.execute(db.select(Upload).order_by(Upload.id.desc())).scalars().first()
        assert stored.content == data and stored.problem_code == code


def test_content_is_judged_by_its_bytes_not_its_name(client, workbook):
    named_pdf = send(client, workbook, filename="bao-cao.pdf").get_data(as_text=True)
    assert "data-problem" not in named_pdf and "Kết quả kiểm tra" in named_pdf
    pdf_named_xlsx = send(client, b"%PDF-1.4\n" + b"x" * 100, filename="ket-qua.xlsx").get_data(as_text=True)
    assert 'data-problem="E-PDF"' in pdf_named_xlsx


@pytest.mark.parametrize("htmx", [True, False])
def test_a_file_over_the_limit_is_answered_in_vietnamese(client, app, workbook, htmx):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    try:
        response = send(client, b"PK" + os.urandom(3 * 1024 * 1024), htmx=htmx)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "vượt quá giới hạn 2 MB" in body
    assert ("<html" in body) is (not htmx)


def test_no_temporary_file_is_left_behind(client, workbook, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    big = files.add_parts(workbook, {"docProps/padding.bin": os.urandom(1024 * 1024)})  # spooled to disk
    send(client, big)
    send(client, b"PK" + os.urandom(600 * 1024))
    assert list(tmp_path.iterdir()) == []
