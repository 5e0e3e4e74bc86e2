"""Every file the site serves follows one policy (kdweb.views.rendering.send_download): saved as an attachment
under its Vietnamese name with an ASCII fallback, and never cached, whichever blueprint serves it."""
from urllib.parse import unquote

import pytest

STAFF_UNIT = "BD.P01"


def assert_download(response, mimetype: str, name_part: str) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(mimetype)
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii() and disposition.startswith('attachment; filename="')
    fallback, encoded = disposition.split("; filename*=UTF-8''")
    assert name_part in unquote(encoded)


@pytest.mark.parametrize("role, path, mimetype, name_part", [
    ("staff", f"/units/{STAFF_UNIT}/workbook.xlsx", "application/vnd.openxmlformats", STAFF_UNIT),
    ("reviewer", "/reports/2026/report.xlsx", "application/vnd.openxmlformats", "Báo cáo kết quả"),
    ("reviewer", "/reports/2026/report.csv", "text/csv", "Báo cáo kết quả"),
])
def test_downloads_share_one_header_policy(client, auth, role, path, mimetype, name_part):
    auth.login_as(role, STAFF_UNIT if role == "staff" else None)
    assert_download(client.get(path), mimetype, name_part)


def test_the_roster_export_job_serves_its_file_under_the_same_policy(client, auth):
    auth.login_as("admin", None)
    job_page = client.post("/admin/roster/export")  # built by a queue job; its page offers the file
    assert job_page.status_code == 303
    assert_download(client.get(job_page.headers["Location"] + "/file"), "application/vnd.openxmlformats",
                    "danh-sach-dang-vien-2026")
