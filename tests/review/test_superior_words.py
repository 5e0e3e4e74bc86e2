"""The superior body is a setting, not a word in the code: with a ward as superior, what the unit reads on its
pages, in its notifications, in its refusals and in the commented copy names the ward's Ban Xây dựng Đảng, never
"Ban Tổ chức Quận ủy"."""
from kdweb.extensions import db
from kdweb.models import Notification
from kdweb.superior import WARD

WARD_FORM = {name: getattr(WARD, name) for name in WARD.__dataclass_fields__}
UNIT = "BD.P01"


def test_a_ward_superior_is_named_everywhere_the_unit_reads(client, auth, app, submit_unit):
    auth.login_as("admin")
    assert client.post("/admin/superior", data=WARD_FORM).status_code == 303
    auth.logout()
    submit_unit(UNIT)
    auth.login_as("staff", UNIT)
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert f"đang chờ {WARD.staff_body} duyệt" in page
    assert f"hãy đề nghị {WARD.staff_body} trả lại" in page  # the upload refused while submitted
    assert "Ban Tổ chức" not in page  # (the demo reviewer's own name carries it, so only before a review)
    auth.logout()
    auth.login_as("reviewer")
    client.post(f"/review/units/{UNIT}/return", data={"comment": "Bổ sung nhận xét.", "confirmed": "1"})
    auth.logout()
    with app.app_context():
        texts = db.session.execute(db.select(Notification.text).filter_by(kind="returned")).scalars().all()
        db.session.remove()
    assert texts and all(text.startswith(f"{WARD.staff_body} đã trả lại") for text in texts)
    auth.login_as("staff", UNIT)
    copy = client.get(f"/units/{UNIT}/returned.xlsx")
    assert copy.status_code == 200 and "Ban%20X%C3%A2y%20d%E1%BB%B1ng" in copy.headers["Content-Disposition"]
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert f"Trao đổi với {WARD.staff_body}" in page and "Ban Tổ chức Quận ủy" not in page


def test_the_superior_level_names_the_dashboard_sections_and_the_cycle_dates(client, auth, demo):
    auth.login_as("admin")
    client.post("/admin/superior", data=WARD_FORM)
    refused = client.post("/admin/cycles/2026", data={"rule_set_id": "qd132-hd21", "review_date": "01/12/2026",
                                                      "grassroots_deadline": "20/12/2026",
                                                      "district_deadline": "18/12/2026"})
    assert refused.status_code == 422 and "không được sau hạn nộp cấp phường" in refused.get_data(as_text=True)
    auth.logout()
    auth.login_as("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    assert "Cấp phường · Cấp phường (1)" in page and ">Cấp quận<" not in page  # (the filter key stays)
