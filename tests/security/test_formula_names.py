"""Unit, group, member and collective names that look like formulas (= + - @ …) are written as text in every
workbook issued and every export: the unit's workbook, the bulk zip of workbooks, the district report in
.xlsx / .ods / .csv, the roster export and the annotated copy."""
import csv
import io
import json
import re
import zipfile

import pytest

from kdweb.exports.safe_cells import RISKY_STARTS
from kdweb.extensions import db
from kdweb.models import Collective, Person, Unit
from tests import loaded
from tests.workbooks import clean_values, fill, roster

UNIT = "BD.P01"
MARK = "XSSF"  # in every hostile name, to find where it went
UNIT_NAME = f'=HYPERLINK("http://evil.example/","{MARK} Cống Vị")'
GROUP = f"@{MARK} Khối phường"
PERSON_NAMES = [f"+{MARK}Nguyễn Văn A", f"-{MARK}+1", f"=1+1{MARK}", f"@SUM(1){MARK}"]
COLLECTIVE_NAME = f"=cmd|' /C calc'!A0{MARK}"


@pytest.fixture
def hostile_names(app, demo):
    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        unit.name, unit.group = UNIT_NAME, GROUP
        people = db.session.execute(db.select(Person).filter_by(grassroots_id=unit.id).order_by(Person.code)
                                    ).scalars().all()
        for person, name in zip(people, PERSON_NAMES):
            person.full_name = name
        collective = db.session.execute(db.select(Collective).filter_by(rated_in_id=unit.id)).scalars().first()
        if collective is not None:
            collective.name = COLLECTIVE_NAME
        db.session.commit()


def client_for(app, demo, role, unit=None):
    client = app.test_client()
    user = next(u for u in demo.users if u.role == role and (unit is None or u.unit_code == unit))
    assert client.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
    return client


def live_formulas_in_xlsx(data: bytes) -> list[str]:
    """Cells holding a formula that carries one of the hostile names, or hostile text not kept as text."""
    found = []
    book = loaded.load_workbook(data)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and MARK in value and (cell.data_type == "f" or (
                        value.startswith(RISKY_STARTS) and cell.data_type != "s")):
                    found.append(f"{sheet.title}!{cell.coordinate}: {value[:40]}")
    return found


def marks_in_xlsx(data: bytes) -> int:
    book = loaded.load_workbook(data)
    return sum(1 for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
               if isinstance(cell.value, str) and MARK in cell.value)


def test_the_units_workbook_keeps_formula_looking_names_as_text(app, demo, hostile_names):
    staff = client_for(app, demo, "staff", UNIT)
    data = staff.get(f"/units/{UNIT}/workbook.xlsx").data
    assert marks_in_xlsx(data) >= 1 + len(PERSON_NAMES)
    assert live_formulas_in_xlsx(data) == []


def test_the_bulk_zip_of_workbooks_keeps_them_as_text(app, demo, hostile_names):
    reviewer = client_for(app, demo, "reviewer")  # the tests' queue runs the job where it is enqueued
    answer = reviewer.post("/review/bulk/templates")
    job_id = re.search(r"/review/bulk/(\d+)", answer.headers.get("Location", "") +
                       answer.get_data(as_text=True)).group(1)
    archive = zipfile.ZipFile(io.BytesIO(reviewer.get(f"/review/bulk/{job_id}/file").data))
    hostile = [name for name in archive.namelist() if marks_in_xlsx(archive.read(name))]
    assert hostile, "the hostile unit's workbook is in the zip"
    for name in hostile:
        assert live_formulas_in_xlsx(archive.read(name)) == [], name


@pytest.fixture
def approved(app, demo, hostile_names):
    staff = client_for(app, demo, "staff", UNIT)
    template = staff.get(f"/units/{UNIT}/workbook.xlsx").data
    data = fill(template, clean_values(roster(app, UNIT)))
    staff.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")},
               content_type="multipart/form-data")
    page = staff.get(f"/units/{UNIT}").get_data(as_text=True)
    upload_id = re.search(r'name="upload_id" value="(\d+)"', page).group(1)
    assert staff.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id, "acknowledge_warnings": "1"}
                      ).status_code == 303
    reviewer = client_for(app, demo, "reviewer")
    reviewer.post(f"/review/units/{UNIT}/approve", data={"confirmed": "1"})
    return reviewer


def test_the_district_report_in_every_format_keeps_them_as_text(app, demo, approved):
    year = demo.year
    xlsx = approved.get(f"/reports/{year}/report.xlsx")
    assert xlsx.status_code == 200 and marks_in_xlsx(xlsx.data) >= 1
    assert live_formulas_in_xlsx(xlsx.data) == []
    text = approved.get(f"/reports/{year}/report.csv").data.decode("utf-8-sig")
    fields = [field for row in csv.reader(io.StringIO(text)) for field in row if MARK in field]
    assert fields and all(not field.startswith(RISKY_STARTS) for field in fields), fields
    ods = zipfile.ZipFile(io.BytesIO(approved.get(f"/reports/{year}/report.ods").data)).read("content.xml").decode()
    assert MARK in ods and not re.search(rf'table:formula="[^"]*{MARK}', ods)
    cells = re.findall(rf"<text:p[^>]*>([^<]*{MARK}[^<]*)</text:p>", ods)
    assert cells and all(not cell.startswith(RISKY_STARTS) for cell in cells), cells
    data = json.loads(approved.get(f"/reports/{year}/report.json").data)
    assert UNIT_NAME in strings_in(data)  # JSON is data, not a sheet: kept exactly


def strings_in(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return set().union(*(strings_in(item) for item in items)) if items else set()


def test_the_annotated_copy_keeps_them_as_text(app, demo, approved):
    staff = client_for(app, demo, "staff", UNIT)
    answer = staff.get(f"/units/{UNIT}/v/1/annotated.xlsx")
    if answer.status_code == 200:
        assert live_formulas_in_xlsx(answer.data) == []


def test_the_roster_export_keeps_them_as_text(app, demo, hostile_names):
    admin = client_for(app, demo, "admin")
    job_page = admin.post("/admin/roster/export")  # a queue job builds it (at once in tests)
    data = admin.get(job_page.headers["Location"] + "/file").data
    assert marks_in_xlsx(data) >= len(PERSON_NAMES)
    assert live_formulas_in_xlsx(data) == []
