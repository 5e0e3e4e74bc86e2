"""Choice cells (ambiguous text, legacy fonts), M-CIVIL without a civil-service rating, founding dates (O-NEW) and
chi bộ under a đảng bộ bộ phận, each through the upload path with a real workbook."""
import io

import pytest
from openpyxl import load_workbook

from kdweb.excel import FIRST_DATA_ROW, HEADER_ROW
from kdweb.extensions import db
from kdweb.models import Rating, Unit
from kdweb.rules import SubjectKind, get_rule_set
from tests.workbooks import cell_of, clean_values, fill, roster

from .conftest import UNIT, upload
from .test_roster_of_record import download, latest_upload, plain_member

MEMBER, ORG = SubjectKind.MEMBER, SubjectKind.ORGANISATION


def upload_with(client, app, member_code, values, unit=UNIT):
    typed = clean_values(roster(app, unit))
    data = download(client, unit)
    filled = fill(data, lambda kind, code: {**typed(kind, code), **values} if kind is MEMBER and code == member_code
                  else typed(kind, code))
    upload(client, filled) if unit == UNIT else client.post(
        f"/units/{unit}/uploads", data={"file": (io.BytesIO(filled), "kq.xlsx")}, content_type="multipart/form-data")
    return data


def rating_of(app, code):
    with app.app_context():
        rating = db.session.execute(db.select(Rating).filter_by(subject_code=code).order_by(Rating.id.desc())).scalars().first()
        result = (rating.level, rating.not_rated_reason)
        db.session.remove()
    return result


@pytest.mark.parametrize("typed", ["Hoàn thành", "Hoàn thành tốt…", "Hoàn thành xuất sắc nhiệm"])
def test_ambiguous_or_cut_short_level_is_an_error_listing_the_choices(client, app, auth, demo, typed):
    auth.login_as("staff", UNIT)
    member = plain_member(demo)
    data = upload_with(client, app, member.code, {"level": typed})
    result = latest_upload(app)
    assert result["outcome"] == "errors"
    sheet, cell = cell_of(data, MEMBER, member.code, "level")
    errors = [f for f in result["findings"] if f[3] == sheet and f[4] == cell and f[1] == "error"]
    assert errors and errors[0][0] == "P-VALUE"
    assert "chưa đủ để biết là mức xếp loại nào" in errors[0][2]
    assert "“Hoàn thành tốt nhiệm vụ”" in errors[0][2] and "“Không xếp loại”" in errors[0][2]
    assert rating_of(app, member.code)[0] is None  # never silently HTNV


CUT_SHORT = [
    ("grade:1", "Hoàn thành", "cấp độ tiêu chí", ("“Xuất sắc”", "“Tốt”", "“Trung bình”", "“Kém”")),
    ("grade:2", "Trung…", "cấp độ tiêu chí", ("“Xuất sắc”", "“Tốt”", "“Trung bình”", "“Kém”")),
    ("targets_below_half", "Hoàn thành", "giá trị Có/Không", ("“Có”", "“Không”")),
    ("targets_below_half", "Kh…", "giá trị Có/Không", ("“Có”", "“Không”")),
]


@pytest.mark.parametrize("key, typed, what, choices", CUT_SHORT)
def test_hoan_thanh_or_a_cut_short_choice_in_a_grade_or_yes_no_cell_is_an_error_listing_the_choices(
        client, app, auth, demo, key, typed, what, choices):
    auth.login_as("staff", UNIT)
    member = plain_member(demo)
    data = upload_with(client, app, member.code, {key: typed})
    result = latest_upload(app)
    assert result["outcome"] == "errors"
    sheet, cell = cell_of(data, MEMBER, member.code, key)
    [error] = [f for f in result["findings"] if (f[3], f[4]) == (sheet, cell)]
    assert error[:2] == ("P-VALUE", "error") and f"“{typed}”" in error[2] and what in error[2]
    assert all(choice in error[2] for choice in choices)


def test_a_civil_rating_cut_short_is_an_error_listing_the_choices(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    member = next(p for p in demo.persons if p.grassroots_code == UNIT and p.is_civil_servant and not (
        p.exempt or p.suspended or p.temporary_cell_code or p.discipline_form) and p.admitted_on.year < 2026)
    data = upload_with(client, app, member.code, {"civil_rating": "Hoàn thành tốt…"})
    result = latest_upload(app)
    sheet, cell = cell_of(data, MEMBER, member.code, "civil_rating")
    [error] = [f for f in result["findings"] if (f[3], f[4]) == (sheet, cell)]
    assert error[:2] == ("P-VALUE", "error") and "chưa đủ để biết" in error[2]
    assert "có thể là “Hoàn thành tốt nhiệm vụ”" in error[2] and "“Hoàn thành nhiệm vụ”" in error[2]


LEGACY = [
    ("level", "Hoµn thµnh tèt nhiÖm vô", "TCVN3", "Hoàn thành tốt nhiệm vụ"),
    ("level", "Hoaøn thaønh toát nhieäm vuï", "VNI", "Hoàn thành tốt nhiệm vụ"),
    ("grade:1", "Tèt", "TCVN3", "Tốt"),
    ("grade:2", "Toát", "VNI", "Tốt"),
]


@pytest.mark.parametrize("key, typed, font, meant", LEGACY)
def test_a_choice_typed_in_a_legacy_font_is_converted_with_a_warning(client, app, auth, demo, key, typed, font, meant):
    auth.login_as("staff", UNIT)
    member = plain_member(demo)
    data = upload_with(client, app, member.code, {key: typed})
    result = latest_upload(app)
    assert result["outcome"] == "valid", result["findings"]
    sheet, cell = cell_of(data, MEMBER, member.code, key)
    warnings = [f for f in result["findings"] if f[3] == sheet and f[4] == cell]
    assert len(warnings) == 1 and warnings[0][:2] == ("P-FONT", "warning")
    assert f"đã chuyển từ phông {font} thành “{meant}”" in warnings[0][2]
    assert rating_of(app, member.code)[0] == "HTTNV"


@pytest.mark.parametrize("key, typed", [("level", "Hoµn thµnh"), ("grade:1", "Tèt l¾m"), ("targets_below_half", "Cã lÏ")])
def test_a_choice_in_a_legacy_font_that_converts_to_no_choice_says_so(client, app, auth, demo, key, typed):
    auth.login_as("staff", UNIT)
    member = plain_member(demo)
    data = upload_with(client, app, member.code, {key: typed})
    result = latest_upload(app)
    sheet, cell = cell_of(data, MEMBER, member.code, key)
    [error] = [f for f in result["findings"] if (f[3], f[4]) == (sheet, cell)]
    assert error[:2] == ("P-VALUE", "error")
    assert "phông cũ (TCVN3 hoặc VNI)" in error[2] and "Chọn" in error[2]  # the font named, the choices listed


def test_a_yes_no_cell_in_tcvn3_is_read(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    member = plain_member(demo)
    upload_with(client, app, member.code, {"level": "Không hoàn thành nhiệm vụ", "targets_below_half": "Cã",
                                           "grade:5": "Kém"})
    result = latest_upload(app)
    assert any(f[0] == "P-FONT" and "đã chuyển từ phông TCVN3 thành “Có”" in f[2] for f in result["findings"])
    assert result["outcome"] == "valid", result["findings"]


def test_a_civil_servant_without_a_civil_service_rating_is_warned(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    member = next(p for p in demo.persons if p.grassroots_code == UNIT and p.is_civil_servant and not (
        p.exempt or p.suspended or p.temporary_cell_code or p.discipline_form) and p.admitted_on.year < 2026)
    data = upload_with(client, app, member.code, {"civil_rating": None})
    result = latest_upload(app)
    sheet, cell = cell_of(data, MEMBER, member.code, "civil_rating")
    found = [f for f in result["findings"] if f[0] == "M-CIVIL"]
    assert len(found) == 1 and found[0][1] == "warning" and (found[0][3], found[0][4]) == (sheet, cell)
    assert "chưa ghi kết quả xếp loại công chức, viên chức" in found[0][2]


def test_a_recently_founded_chi_bo_carries_its_founding_date_and_o_new_fires(client, app, auth, demo):
    unit = "BD.P02"
    new_cell = next(u for u in demo.units if u.parent_code == unit and u.founded_on and u.founded_on.year == 2026)
    auth.login_as("staff", unit)
    data = download(client, unit)
    sheet, cell = cell_of(data, ORG, new_cell.code, "founded_on")
    assert load_workbook(io.BytesIO(data))[sheet][cell].value.date() == new_cell.founded_on

    typed = clean_values(roster(app, unit))
    assert typed(ORG, new_cell.code)["not_rated_reason"].startswith("Mới")  # the helper knows it is new

    def rated_anyway(kind, code):
        if kind is ORG and code == new_cell.code:
            return {f"grade:{c.code}": "Tốt" for c in get_rule_set().criteria_of(ORG)} | {
                "level": "Hoàn thành tốt nhiệm vụ"}
        return typed(kind, code)

    client.post(f"/units/{unit}/uploads", data={"file": (io.BytesIO(fill(data, rated_anyway)), "kq.xlsx")},
                content_type="multipart/form-data")
    result = latest_upload(app, unit)
    found = [f for f in result["findings"] if f[0] == "O-NEW"]
    assert len(found) == 1 and found[0][1] == "error" and "thành lập" in found[0][2]


def test_chi_bo_under_a_dang_bo_bo_phan_are_in_the_committees_workbook(client, app, auth, demo):
    with app.app_context():
        ward = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        part = Unit(code=f"{UNIT}.BP1", name="Đảng bộ bộ phận Khu tập thể", kind="sub_committee",
                    level="grassroots", parent_id=ward.id, sort_order=90)
        db.session.add(part)
        db.session.flush()
        db.session.add_all([Unit(code=f"{UNIT}.BP1.C{n}", name=f"Chi bộ Khu tập thể số {n}", kind="cell",
                                 level="grassroots", parent_id=part.id, sort_order=90 + n) for n in (1, 2)])
        db.session.commit()
        db.session.remove()
    auth.login_as("staff", UNIT)
    data = download(client, UNIT)
    sheet = load_workbook(io.BytesIO(data))["Tổ chức đảng"]
    header = {c.value: c.column - 1 for c in sheet[HEADER_ROW]}
    parents = {row[header["Mã tổ chức đảng"]]: row[header[next(h for h in header if "cấp trên" in (h or "").lower())]]
               for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True) if row[header["Mã tổ chức đảng"]]}
    assert parents[f"{UNIT}.BP1"] == UNIT
    assert parents[f"{UNIT}.BP1.C1"] == f"{UNIT}.BP1" and parents[f"{UNIT}.BP1.C2"] == f"{UNIT}.BP1"

    typed = clean_values(roster(app, UNIT))
    criteria = get_rule_set().criteria_of(ORG)

    def part_excellent(kind, code):
        if kind is ORG and code == f"{UNIT}.BP1":
            return {f"grade:{c.code}": "Xuất sắc" for c in criteria} | {"level": "Hoàn thành xuất sắc nhiệm vụ"}
        if kind is ORG and code == f"{UNIT}.BP1.C1":
            return {f"grade:{c.code}": "Trung bình" for c in criteria} | {"level": "Hoàn thành nhiệm vụ"}
        return typed(kind, code)

    upload(client, fill(data, part_excellent))
    result = latest_upload(app)
    found = [f for f in result["findings"] if f[0] == "O-HTXSNV"]
    assert len(found) == 1 and "Đảng bộ bộ phận Khu tập thể" in found[0][2] and "1/2" in found[0][2]
