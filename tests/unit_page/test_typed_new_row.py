"""The seam between a row the unit typed for someone not on its signed roster and the roster of record: what the
unit is told before the admin adds the member, and how the member is read once the admin has (with the roster's
facts, not the typed cells'), through the real upload path."""
import io
import json

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kdweb.excel import FIRST_DATA_ROW
from kdweb.extensions import db
from kdweb.models import Rating, Upload
from kdweb.rules import SubjectKind
from tests.workbooks import cell_of, clean_values, fill, roster

from .conftest import UNIT, upload
from .test_roster_of_record import NEW_CODE, NEW_NAME, download, import_roster_rows, latest_upload, with_typed_row

LEVEL = "Hoàn thành xuất sắc nhiệm vụ"  # what with_typed_row types by default


def filled_workbook(client, app):
    return fill(download(client), clean_values(roster(app, UNIT)))


def test_a_row_typed_for_someone_on_no_roster_says_what_to_do(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    data, row, header = with_typed_row(filled_workbook(client, app), NEW_CODE, NEW_NAME)
    upload(client, data)
    result = latest_upload(app)
    assert result["outcome"] == "errors"
    [finding] = [f for f in result["findings"] if f[0] == "X-MISSING"]
    code_cell = f"{get_column_letter(header['Mã đảng viên'])}{row}"
    assert finding[1] == "error" and (finding[3], finding[4]) == ("Đảng viên", code_cell)
    assert finding[2].startswith(f"Đảng viên {NEW_NAME} (mã {NEW_CODE}): không có trong danh sách đảng viên "
                                 "được giao cho đơn vị.")
    assert "đề nghị cơ quan tham mưu của cấp trên bổ sung vào danh sách rồi tải lên lại tệp này" in finding[2]
    assert "nếu ghi nhầm mã, hãy sửa lại cho đúng mã trong danh sách" in finding[2]
    assert "hiện có trong danh sách của" not in finding[2]  # on no roster at all


def test_a_row_typed_for_a_member_of_another_unit_names_that_unit(client, app, auth, demo):
    elsewhere = next(p for p in demo.persons if p.grassroots_code == "BD.P02" and not p.temporary_cell_code)
    auth.login_as("staff", UNIT)
    data, _, _ = with_typed_row(filled_workbook(client, app), elsewhere.code, elsewhere.full_name)
    upload(client, data)
    [finding] = [f for f in latest_upload(app)["findings"] if f[0] == "X-MISSING"]
    assert f"Mã {elsewhere.code} hiện có trong danh sách của Đảng bộ phường Điện Biên" in finding[2]
    assert "cần chuyển sang danh sách của đơn vị" in finding[2]


def test_once_the_admin_adds_the_member_the_same_file_is_read_with_the_roster_facts(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    data, row, header = with_typed_row(filled_workbook(client, app), NEW_CODE, "Pham Van Moi")  # typed unaccented
    upload(client, data)
    assert latest_upload(app)["outcome"] == "errors"
    auth.logout()

    # the admin adds him: admitted on 1 August 2026 (four months before the review), still probationary
    import_roster_rows(client, auth, [[1, NEW_CODE, NEW_NAME, "15/12/1990", "Nam", "BD.P01.C01", "01/08/2026", "Có",
                                       ""]])

    auth.login_as("staff", UNIT)
    upload(client, data)  # the very same bytes: checked again, against the roster as it stands now
    with app.app_context():
        versions = db.session.execute(db.select(Upload.version).order_by(Upload.version)).scalars().all()
        db.session.remove()
    assert versions == [1, 2]
    result = latest_upload(app)
    assert not [f for f in result["findings"] if f[0] == "X-MISSING"], result["findings"]
    [new] = [f for f in result["findings"] if f[0] == "M-NEW"]
    assert new[1] == "error" and new[4] == f"{get_column_letter(header['Mức xếp loại'])}{row}"
    assert "kết nạp ngày 01/08/2026" in new[2]  # the roster's date, though the row typed none
    with app.app_context():
        rating = db.session.execute(db.select(Rating).filter_by(subject_code=NEW_CODE)
                                    .order_by(Rating.id.desc())).scalars().first()
        record = json.loads(rating.record_json)
        name = rating.subject_name
        db.session.remove()
    assert name == NEW_NAME  # the roster's name, not the typed one
    assert record["probationary"] is True and record["admitted_on"] == "2026-08-01"
    assert record["cell_code"] == "BD.P01.C01" and record["level"] == "HTXSNV"

    fresh = download(client, carry=True)  # the fresh workbook lists him, with what the unit typed
    sheet_name, cell = cell_of(fresh, SubjectKind.MEMBER, NEW_CODE, "level")
    assert load_workbook(io.BytesIO(fresh))[sheet_name][cell].value == LEVEL
    sheet = load_workbook(io.BytesIO(fresh))[sheet_name]
    codes = [row[header["Mã đảng viên"] - 1] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    assert codes.count(NEW_CODE) == 1


def test_the_same_bytes_without_a_roster_change_are_not_checked_again(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    data, _, _ = with_typed_row(filled_workbook(client, app), NEW_CODE, NEW_NAME)
    upload(client, data)
    upload(client, data)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Upload.id))) == 1
        db.session.remove()
