"""The superior body is a setting: its names reach the pages, the workbook's instructions and the report letterhead."""
import io

import openpyxl

from kdweb.extensions import db
from kdweb.models import AuditEvent
from kdweb.superior import WARD

WARD_FORM = {name: getattr(WARD, name) for name in WARD.__dataclass_fields__}


def test_the_admin_sets_the_ward_as_superior_and_every_output_follows(client, admin, auth, app):
    page = client.get("/admin/superior").get_data(as_text=True)
    assert 'value="Ban Tổ chức Quận ủy"' in page  # the default, until set
    response = client.post("/admin/superior", data=WARD_FORM)
    assert response.status_code == 303
    page = client.get("/admin/cycles/2026").get_data(as_text=True)
    assert "Đảng ủy phường Ba Đình · Ban Xây dựng Đảng Đảng ủy phường Ba Đình" in page
    assert "Hạn nộp cấp phường" in page
    with app.app_context():
        assert db.session.execute(db.select(AuditEvent).filter_by(action="superior_updated")).scalar_one()
    client.post("/logout")

    auth.login_as("staff", "BD.P01")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/units/BD.P01/workbook.xlsx").data))
    guide = {row[1].value: row[2].value for row in book["Hướng dẫn"].iter_rows() if row[1].value}
    assert guide["Cần hỗ trợ"] == "Liên hệ Ban Xây dựng Đảng Đảng ủy phường Ba Đình."
    assert guide["Cấp quyết định"] == "Ban Thường vụ Đảng ủy phường Ba Đình"
    client.post("/logout")

    auth.login_as("reviewer")
    report = openpyxl.load_workbook(io.BytesIO(client.get("/reports/2026/report.xlsx").data))["Đảng viên"]
    assert (report["A1"].value, report["A2"].value) == ("ĐẢNG ỦY PHƯỜNG BA ĐÌNH", "BAN XÂY DỰNG ĐẢNG")


def test_the_names_are_required(client, admin):
    response = client.post("/admin/superior", data={**WARD_FORM, "staff_body": " "})
    assert response.status_code == 422 and "cơ quan tham mưu" in response.get_data(as_text=True)
