"""The quota groups of qd366-hd43 (docs/rulebook-366.md §3 Q-20/Q-25, §6): the competent level sets them (the roster
import for members, the unit form for party organisations), the unit's workbook signs them in its locked column, an
upload's quota check counts each group apart, the report's quota table shows it; a group changed after the download
is told (X-ROSTER) and counted as it stands; qd132-hd21 has no quota groups."""
import io
import json
import re

import pytest
from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import AuditEvent, Finding, Unit, Upload
from kdweb.rules import Level, SubjectKind
from tests.admin.files import xlsx
from tests.reports.test_seam_district import report
from tests.unit_page.conftest import UNIT
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.unit_page.test_quota_marks_now import download, upload_as_staff
from tests.workbooks import cell_of, clean_values, fill, not_rated_reason, roster, submit_latest_upload

RULE_SET = "qd366-hd43"
GROUP_A, GROUP_B = "Cán bộ hưu trí", "Đảng viên khu dân cư"
ORG, ORG_GROUP = "BD.P01.C01", "Chi bộ khối cơ quan"
EXCELLENT = dict(level=Level.HTXSNV.text, score_common=29, score_tasks=65, tasks_exceeded=4)


def rated_members(batch):
    """Members rated in the unit's own chi bộ (none in temporary activity), those who may be HTXSNV first."""
    rated = [member for member in batch.members if not_rated_reason(member, batch.review_date) is None
             and not member.disciplined_in_year and not member.temporary_activity]
    return sorted(rated, key=lambda member: member.is_civil_servant)


def groups_of(batch):
    """Group A: one HTXSNV and three HTTNV (over 20 % alone: limit 0); group B: one HTXSNV and five HTTNV (limit 1).
    Counted together (or with the rest of the unit) neither would be over."""
    members = rated_members(batch)
    assert len(members) >= 10 and not members[1].is_civil_servant, "the demo unit is too small for this test"
    excellent = [members[0], members[1]]
    group_a = [members[0], *members[2:5]]
    group_b = [members[1], *members[5:10]]
    return excellent, group_a, group_b


def import_groups(client, auth, groups: list):
    """The admin imports a roster file of code, name, chi bộ and "Nhóm tính tỉ lệ" (the brief's spelling)."""
    rows = [["Mã đảng viên", "Họ và tên", "Chi bộ", "Nhóm tính tỉ lệ"]]
    rows += [[member.code, member.name, member.cell_code, group] for member, group in groups]
    auth.login_as("admin")
    response = client.post("/admin/roster/imports", data={"file": (io.BytesIO(xlsx(rows)), "nhom.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    import_id = re.search(r"/admin/roster/imports/(\d+)$", response.headers["Location"]).group(1)
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert '<option value="quota_group" selected>' in page  # the header is recognised
    form = re.search(r'<form method="post" action="/admin/roster/imports/\d+/apply".*?</form>', page, re.S).group(0)
    response = client.post(f"/admin/roster/imports/{import_id}/apply",
                           data=dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    auth.logout()


def set_unit_group(client, auth, app, code, group, field="quota_group"):
    """The admin saves the unit form with the quota group, or another field (the unit's other fields as they are)."""
    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
        form = {"name": unit.name, "kind": unit.kind, "level": unit.level, "group": unit.group or "",
                "parent_id": str(unit.parent_id or ""), "sort_order": str(unit.sort_order),
                "founded_on": unit.founded_on.strftime("%d/%m/%Y") if unit.founded_on else "",
                "reports": "1" if unit.reports else "", "quota_group": unit.quota_group or "", field: group}
    auth.login_as("admin")
    page = client.get(f"/admin/units/{code}").get_data(as_text=True)
    assert 'name="quota_group"' in page and "Để trống: tính theo quy định chung" in page
    response = client.post(f"/admin/units/{code}", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    auth.logout()


def both_groups(group_a, group_b):
    return [(member, GROUP_A) for member in group_a] + [(member, GROUP_B) for member in group_b]


def with_excellent(values, excellent):
    codes = {member.code for member in excellent}

    def values_for(kind, code):
        row = values(kind, code)
        return dict(row, **EXCELLENT) if kind is SubjectKind.MEMBER and code in codes else row
    return values_for


def quota_messages(app, version) -> list[str]:
    with app.app_context():
        return db.session.execute(db.select(Finding.message).join(Upload).where(
            Upload.version == version, Finding.rule.in_(("Q-20", "Q-25")))).scalars().all()


def locked_value(data, kind, code):
    sheet, cell = cell_of(data, kind, code, "quota_group", RULE_SET)
    worksheet = load_workbook(io.BytesIO(data))[sheet]
    return worksheet[cell].value, worksheet[cell].protection.locked and worksheet.protection.sheet


def test_groups_set_by_the_admin_are_signed_counted_apart_and_reported(client, auth, app, batch):
    switch_to_366(client, auth, app)
    excellent, group_a, group_b = groups_of(batch)
    import_groups(client, auth, both_groups(group_a, group_b))
    set_unit_group(client, auth, app, ORG, ORG_GROUP)
    with app.app_context():
        audited = db.session.execute(db.select(AuditEvent.detail).filter_by(action="unit_updated")).scalars().all()
    assert any(json.loads(detail)["changes"].get("quota_group") == [None, ORG_GROUP] for detail in audited)

    data = download(client, auth)
    assert locked_value(data, SubjectKind.MEMBER, group_a[0].code) == (GROUP_A, True)
    assert locked_value(data, SubjectKind.MEMBER, group_b[3].code) == (GROUP_B, True)
    assert locked_value(data, SubjectKind.ORGANISATION, ORG) == (ORG_GROUP, True)
    other = next(member for member in rated_members(batch) if member.code not in {m.code for m in (*group_a, *group_b)})
    assert locked_value(data, SubjectKind.MEMBER, other.code) == (None, True)  # blank: the general rule

    body = upload_as_staff(client, auth, fill(data, with_excellent(scored_values(batch), excellent), RULE_SET))
    assert "W-IDENTITY" not in body and "X-ROSTER" not in body
    [message] = quota_messages(app, 1)  # group A alone is over its 20 %; group B and the rest are not
    assert f"nhóm “{GROUP_A}”" in message and f"có 1 đảng viên xếp loại “{Level.HTXSNV.text}”" in message
    assert "vượt mức tối đa 0 (20% của 3 đảng viên" in message and excellent[0].name in message

    # within the limits (group A's HTXSNV rated HTTNV), submitted: the report counts each group as the check did
    upload_as_staff(client, auth, fill(data, with_excellent(scored_values(batch), excellent[1:]), RULE_SET))
    assert quota_messages(app, 2) == []
    auth.login_as("staff", UNIT)
    submit_latest_upload(client, app, UNIT)
    auth.logout()
    rows = {(row["kind"], row["label"]): row for row in report(client, auth, app)["quota_groups"]
            if row["row_type"] == "rating_group"}
    counted = {(kind, label): (row["httnv"], row["htxsnv"]) for (kind, label), row in rows.items()
               if any(group in label for group in (GROUP_A, GROUP_B, ORG_GROUP))}
    assert counted == {("MEMBER", rows_label(rows, GROUP_A)): (4, 0), ("MEMBER", rows_label(rows, GROUP_B)): (5, 1),
                       ("ORGANISATION", rows_label(rows, ORG_GROUP)): (1, 0)}


def rows_label(rows, group):
    [label] = [label for _, label in rows if group in label]
    return label


def test_a_group_changed_after_the_download_is_told_and_counted_as_it_stands(client, auth, app, batch):
    switch_to_366(client, auth, app)
    excellent, group_a, group_b = groups_of(batch)
    import_groups(client, auth, both_groups(group_a, group_b))
    data = download(client, auth)
    moved = excellent[0]
    import_groups(client, auth, [(moved, GROUP_B)])  # group A now has no HTXSNV; group B has two for five HTTNV

    body = upload_as_staff(client, auth, fill(data, with_excellent(scored_values(batch), excellent), RULE_SET))
    assert "X-ROSTER" in body and f"Nhóm tính tỷ lệ: “{GROUP_A}” → “{GROUP_B}”" in body
    [message] = quota_messages(app, 1)
    assert f"nhóm “{GROUP_B}”" in message and "có 2 đảng viên" in message and GROUP_A not in message


@pytest.mark.parametrize("field", ["quota_group", "group"])
def test_a_group_set_on_the_unit_form_after_the_download_is_told(client, auth, app, batch, field):
    """Either group of a party organisation (the quota group, or its group of similar organisations, the default
    quota scope) is a signed fact: set on the unit form after the download, the upload is told and checked with it."""
    switch_to_366(client, auth, app)
    data = download(client, auth)
    with app.app_context():
        before = db.session.execute(db.select(Unit.group).filter_by(code=ORG)).scalar_one()
    set_unit_group(client, auth, app, ORG, ORG_GROUP, field)
    body = upload_as_staff(client, auth, fill(data, scored_values(batch), RULE_SET))
    label = "Nhóm tính tỷ lệ" if field == "quota_group" else SubjectKind.ORGANISATION.group_text
    old = before if field == "group" and before else "trống"
    assert "X-ROSTER" in body and f"{label}: “{old}” → “{ORG_GROUP}”" in body


def test_under_qd132_the_groups_are_ignored(client, auth, app, batch):
    """The same groups under qd132-hd21: no column, no fact, the quota counted per tổ chức cơ sở đảng as before."""
    excellent, group_a, group_b = groups_of(batch)
    import_groups(client, auth, both_groups(group_a, group_b))
    set_unit_group(client, auth, app, ORG, ORG_GROUP)
    assert {record.quota_group for kind in SubjectKind for record in roster(app, UNIT).records_of(kind)} == {""}
    data = download(client, auth)
    with pytest.raises(KeyError):
        cell_of(data, SubjectKind.MEMBER, group_a[0].code, "quota_group")
    values = clean_values(batch)
    body = upload_as_staff(client, auth, fill(data, lambda kind, code: dict(
        values(kind, code), level=Level.HTXSNV.text) if kind is SubjectKind.MEMBER and code in
        {member.code for member in excellent} else values(kind, code)))
    assert "Q-20" not in body and "X-ROSTER" not in body and quota_messages(app, 1) == []


POST, COLLECTIVE = "LD00008", "BD.P01.TT025"
LEADERSHIP_GROUP = "Người đứng đầu khối dân vận"


def set_leadership_group(client, auth, path, code, group, who=("admin",)):
    auth.login_as(*who)
    response = client.post(f"/admin/units/{UNIT}/leadership/{path}/{code}/quota-group", data={"quota_group": group},
                           headers={"HX-Request": "true"})
    auth.logout()
    return response


def test_posts_and_collectives_are_given_a_group_on_the_leadership_page(client, auth, app, batch):
    switch_to_366(client, auth, app)
    auth.login_as("admin")
    page = client.get(f"/admin/units/{UNIT}/leadership").get_data(as_text=True)
    auth.logout()
    assert 'name="quota_group"' in page and "Để trống: tính theo quy định chung" in page
    assert set_leadership_group(client, auth, "posts", POST, "Nhóm A", ("staff", UNIT)).status_code in (302, 403)
    answered = set_leadership_group(client, auth, "posts", POST, LEADERSHIP_GROUP)
    assert answered.status_code == 200 and f"Đã đặt nhóm tính tỷ lệ “{LEADERSHIP_GROUP}”" in answered.text
    assert set_leadership_group(client, auth, "collectives", COLLECTIVE, f"  {LEADERSHIP_GROUP} ").status_code == 200
    assert set_leadership_group(client, auth, "posts", POST, LEADERSHIP_GROUP).status_code == 409  # no change
    with app.app_context():
        audited = db.session.execute(db.select(AuditEvent.detail).filter_by(action="quota_group_changed")).all()
    assert [json.loads(detail)["after"] for (detail,) in audited] == [LEADERSHIP_GROUP, LEADERSHIP_GROUP]

    data = download(client, auth)
    assert locked_value(data, SubjectKind.LEADER, POST) == (LEADERSHIP_GROUP, True)
    assert locked_value(data, SubjectKind.COLLECTIVE, COLLECTIVE) == (LEADERSHIP_GROUP, True)

    assert set_leadership_group(client, auth, "collectives", COLLECTIVE, "").status_code == 200  # back to the rule
    body = upload_as_staff(client, auth, fill(data, scored_values(batch), RULE_SET))
    assert "X-ROSTER" in body and f"Nhóm tính tỷ lệ: “{LEADERSHIP_GROUP}” → “trống”" in body
