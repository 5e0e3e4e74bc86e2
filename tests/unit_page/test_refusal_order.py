"""The refusal a unit sees names what the file is and what to do, through the real upload path: another unit's
workbook (that unit has downloaded two copies) and last year's workbook are named as such, never as an old
template version."""
from datetime import date

from kdweb.excel import build_workbook
from kdweb.excel.inputs import CycleInfo, Roster, UnitInfo
from kdweb.extensions import db
from kdweb.models import Upload
from tests.workbooks import clean_values, fill, roster

from .conftest import UNIT, upload


def refusal_of(app):
    with app.app_context():
        found = db.session.execute(db.select(Upload).order_by(Upload.id.desc())).scalars().first()
        result = (found.problem_code, found.problem_message)
        db.session.remove()
    return result


def test_another_units_workbook_is_named_as_that_units(client, app, auth, demo):
    other = "BD.P02"
    auth.login_as("staff", other)
    client.get(f"/units/{other}/workbook.xlsx")
    theirs = client.get(f"/units/{other}/workbook.xlsx").data  # their second copy: version 2026.2
    auth.logout()
    auth.login_as("staff", UNIT)
    client.get(f"/units/{UNIT}/workbook.xlsx")  # this unit's own 2026.1 is known; theirs is not
    page = upload(client, fill(theirs, clean_values(roster(app, other)))).get_data(as_text=True)
    code, message = refusal_of(app)
    assert code == "E-WRONG-UNIT"
    assert "Đảng bộ phường Điện Biên (mã BD.P02)" in message and f"(mã {UNIT})" in message
    assert "phiên bản" not in message and "chép số liệu" not in message
    assert "Đảng bộ phường Điện Biên" in page


def test_last_years_workbook_names_its_year_and_asks_for_this_years(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    last_year = build_workbook(UnitInfo(UNIT, "Đảng bộ phường Cống Vị"), CycleInfo(2025, "qd132-hd21", date(2025, 12, 1)),
                               Roster(members=roster(app, UNIT).members), template_version="2025.1",
                               secret=app.config["SECRET_KEY"])
    upload(client, last_year)
    code, message = refusal_of(app)
    assert code == "E-OLD-CYCLE"
    assert "năm 2025" in message and "tải tệp mẫu năm 2026" in message and "phiên bản" not in message


def test_last_years_downloaded_workbook_after_the_new_cycle_is_opened(client, app, auth, demo):
    """All through the app: the unit's 2026 workbook, filled; the admin closes 2026 and opens 2027; the unit has
    its 2027 copy (2027.1 is the only known version, the file's 2026.1 is not) and sends last year's file."""
    auth.login_as("staff", UNIT)
    last_year = fill(client.get(f"/units/{UNIT}/workbook.xlsx").data, clean_values(roster(app, UNIT)))
    auth.logout()
    auth.login_as("admin")
    assert client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"}).status_code == 303
    client.post("/admin/cycles", data={"year": "2027", "rule_set_id": "qd132-hd21"})
    assert client.post("/admin/cycles/2027/open").status_code == 303
    auth.logout()
    auth.login_as("staff", UNIT)
    assert client.get(f"/units/{UNIT}/workbook.xlsx").status_code == 200  # this year's copy: 2027.1
    page = upload(client, last_year).get_data(as_text=True)
    code, message = refusal_of(app)
    assert code == "E-OLD-CYCLE"
    assert "đợt đánh giá năm 2026" in message and "tải tệp mẫu năm 2027" in message
    assert "phiên bản" not in message and "chép số liệu" not in message
    assert "năm 2026" in page
