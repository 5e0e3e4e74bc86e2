"""An admin's change against everything that depends on it, one row per change path as the admin's browser makes it (the
form or the import, CSRF token included), after the unit BD.P01 submitted under qd366-hd43. For each row: the audit
log (an event, told in Vietnamese), the stored district checks (computed again by the queue job the change asks for,
without anyone opening the checks page), the unit's roster marked changed (the dashboard's "Danh sách đổi sau khi
nộp"), an outstanding-group mark changed (the dashboard's badge, the unit page's notice), the dashboard body the
30-second poll gets (built again only when the change marker moved), the district report, and the unit page's "Danh
sách đã thay đổi sau khi tải mẫu" notice: those that should move do, the others do not. The notice tells who is
listed and under which name, so a founding date or a quota group changed is not in it (the upload of the old workbook
tells it: X-ROSTER)."""
import ast
import io
import pathlib
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

import kdweb
from kdweb.extensions import db
from kdweb.models import (
    AuditEvent, Collective, Cycle, DistrictCheck, LeaderPost, Person, Rating, Unit, UnitCycle, Upload,
)
from kdweb.services import checks_due
from kdweb.services.audit_log import ACTION_TEXTS
from tests.admin.conftest import Query
from tests.admin.files import HEADERS, xlsx
from tests.admin.test_roster_import import confirm_form, upload as upload_roster
from tests.admin.test_leadership import first_rated_in
from tests.reports.test_seam_district import submit
from tests.unit_page.conftest import UNIT
from tests.unit_page.test_flow_366 import cycle_dates, scored_values, switch_to_366
from tests.unit_page.test_quota_marks_now import download, upload_as_staff
from tests.unit_page.test_roster_of_record import import_roster_rows, plain_member
from tests.unit_page.test_seam_roster import CHI_BO
from tests.workbooks import fill, roster

RULE_SET = "qd366-hd43"
ROSTER_BADGE, MARKS_BADGE = "Danh sách đổi sau khi nộp", "Nhóm nổi trội đổi sau khi nộp"
NOTICE = "Danh sách đã thay đổi sau khi tải mẫu"
QUOTA_NOTICE = 'id="quota-changed"'
NEW_GROUP = "Nhóm cán bộ chủ chốt"


def as_admin(client, auth, method, url, **kwargs):
    auth.login_as("admin")
    response = client.post(url, **kwargs) if method == "post" else client.get(url)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    auth.logout()


def unit_form(app, code, **changes) -> dict:
    """The unit form as the admin's browser posts it: every field as it is, then the changes."""
    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
        form = {"name": unit.name, "kind": unit.kind, "level": unit.level, "group": unit.group or "",
                "quota_group": unit.quota_group or "", "parent_id": str(unit.parent_id or ""),
                "sort_order": str(unit.sort_order or 0),
                "founded_on": unit.founded_on.strftime("%d/%m/%Y") if unit.founded_on else "",
                **({"reports": "1"} if unit.reports else {})}
        db.session.remove()
    return {**form, **changes}


def save_chi_bo(**changes):
    def change(client, auth, app, demo):
        as_admin(client, auth, "post", f"/admin/units/{CHI_BO}", data=unit_form(app, CHI_BO, **changes))
    return change


def deactivate_chi_bo(client, auth, app, demo):
    as_admin(client, auth, "post", f"/admin/units/{CHI_BO}/deactivate")


def rename_unit(client, auth, app, demo):
    as_admin(client, auth, "post", f"/admin/units/{UNIT}", data=unit_form(app, UNIT, name="Đảng bộ Phường Mới"))


def dissolve_unit(client, auth, app, demo):
    """Valid to the day before the review date: the cycle no longer expects the unit's report."""
    with app.app_context():
        review = db.session.execute(db.select(Cycle.review_date)).scalar_one()
        db.session.remove()
    valid_to = (review - timedelta(days=1)).strftime("%d/%m/%Y")
    as_admin(client, auth, "post", f"/admin/units/{UNIT}", data=unit_form(app, UNIT, valid_to=valid_to))


def end_post(client, auth, app, demo):
    post, _, _ = first_rated_in(Query(app), LeaderPost)
    as_admin(client, auth, "post", f"/admin/units/{UNIT}/leadership/posts/{post}/end")


def give_post(client, auth, app, demo):
    post, _, _ = first_rated_in(Query(app), LeaderPost)
    as_admin(client, auth, "post", f"/admin/units/{UNIT}/leadership/posts/{post}",
             data={"member_code": plain_member(demo).code})


def rename_collective(client, auth, app, demo):
    collective, _, name = first_rated_in(Query(app), Collective)
    as_admin(client, auth, "post", f"/admin/units/{UNIT}/leadership/collectives/{collective}",
             data={"name": name + " (khóa mới)"})


def leadership_quota_group(model, path):
    def change(client, auth, app, demo):
        code, _, _ = first_rated_in(Query(app), model)
        as_admin(client, auth, "post", f"/admin/units/{UNIT}/leadership/{path}/{code}/quota-group",
                 data={"quota_group": NEW_GROUP})
    return change


def import_birth_date(client, auth, app, demo):
    person = plain_member(demo)
    import_roster_rows(client, auth, [[1, person.code, person.full_name, "02/09/1975", person.gender,
                                       person.cell_code, person.admitted_on, "", person.post]])


def mark_outstanding(client, auth, app, demo):
    year, _ = cycle_dates(app)
    as_admin(client, auth, "post", f"/admin/cycles/{year}/quota-marks",
             data={"unit_code": UNIT, "subject_kind": "MEMBER"})


def unmark_outstanding(client, auth, app, demo):
    from kdweb.models import QuotaMark
    with app.app_context():
        mark_id = db.session.execute(db.select(QuotaMark.id)).scalar_one()
        db.session.remove()
    year, _ = cycle_dates(app)
    as_admin(client, auth, "post", f"/admin/cycles/{year}/quota-marks/{mark_id}/delete")


def later_deadline(client, auth, app, demo):
    year, dates = cycle_dates(app)
    day, month, year_text = dates["grassroots_deadline"].split("/")
    dates["grassroots_deadline"] = f"{14 if int(day) != 14 else 13}/{month}/{year_text}"
    as_admin(client, auth, "post", f"/admin/cycles/{year}", data={"rule_set_id": RULE_SET, **dates})


def earlier_review_date(client, auth, app, demo):
    year, dates = cycle_dates(app)
    day, month, year_text = dates["review_date"].split("/")
    dates["review_date"] = f"{20 if int(day) != 20 else 19}/{month}/{year_text}"
    as_admin(client, auth, "post", f"/admin/cycles/{year}", data={"rule_set_id": RULE_SET, **dates})


def new_account(client, auth, app, demo):
    with app.app_context():
        unit_id = db.session.execute(db.select(Unit.id).filter_by(code=UNIT)).scalar_one()
        db.session.remove()
    as_admin(client, auth, "post", "/admin/accounts/new",
             data={"login": "canbo.moi", "full_name": "Cán bộ Mới", "role": "staff", "unit_id": str(unit_id),
                   "email": "", "password": "Mat-khau-du-dai-2026", "password_again": "Mat-khau-du-dai-2026"})


@dataclass(frozen=True)
class Row:
    change: object
    action: str  # the audit event it writes
    moves: frozenset = field(default_factory=frozenset)  # of the keys of `moved` in the test
    told: str = ""  # what the stored district checks say of it, when they say it
    first: object = None  # an admin change made before the unit submits
    upload_told: bool = False  # an upload of the workbook downloaded before it is told (X-ROSTER)
    upload_says: str = "Không có lỗi"  # what that upload says otherwise


ROSTER = frozenset({"checks", "roster", "board"})
MARKS = frozenset({"checks", "marks", "board", "report"})
TOLD = {"upload_told": True}
ROWS = {
    "roster import: a member's birth date": Row(import_birth_date, "roster_imported", ROSTER, "“02/09/1975”", **TOLD),
    "unit form: chi bộ renamed": Row(save_chi_bo(name="Chi bộ Khu phố Mới"), "unit_updated", ROSTER | {"notice"},
                                     **TOLD),
    "unit form: chi bộ quota group": Row(save_chi_bo(quota_group="Chi bộ khối cơ quan"), "unit_updated", ROSTER,
                                         **TOLD),
    "unit form: chi bộ founding date": Row(save_chi_bo(founded_on="03/02/1990"), "unit_updated", ROSTER, **TOLD),
    "unit form: chi bộ sort order only": Row(save_chi_bo(sort_order="77"), "unit_updated", frozenset({"checks"})),
    "unit form: chi bộ deactivated": Row(deactivate_chi_bo, "unit_deactivated", ROSTER | {"notice"}, **TOLD),
    "unit form: reporting unit renamed": Row(rename_unit, "unit_updated", ROSTER | {"report"}),
    "unit form: reporting unit dissolved": Row(dissolve_unit, "unit_updated", frozenset({"checks", "board", "report"}),
                                               upload_says="đơn vị không có hiệu lực vào thời điểm đánh giá"),
    "leadership: post given to another member": Row(give_post, "leader_post_holder_changed", ROSTER | {"notice"},
                                                    **TOLD),
    "leadership: collective renamed": Row(rename_collective, "collective_renamed", ROSTER | {"notice"}, **TOLD),
    "leadership: post ended": Row(end_post, "leader_post_ended", ROSTER | {"notice"}, **TOLD),
    "leadership: post quota group": Row(leadership_quota_group(LeaderPost, "posts"), "quota_group_changed", ROSTER,
                                        f"“{NEW_GROUP}”", **TOLD),
    "leadership: collective quota group": Row(leadership_quota_group(Collective, "collectives"),
                                              "quota_group_changed", ROSTER, f"“{NEW_GROUP}”", **TOLD),
    "cycle: outstanding-group mark added": Row(mark_outstanding, "quota_mark_added", MARKS),
    "cycle: outstanding-group mark removed": Row(unmark_outstanding, "quota_mark_removed", MARKS,
                                                 first=mark_outstanding),
    "cycle: deadline edited": Row(later_deadline, "cycle_updated", frozenset({"checks", "board"})),
    "cycle: review date edited": Row(earlier_review_date, "cycle_updated", frozenset({"checks"})),
    "accounts: staff account created": Row(new_account, "account_created"),
}


def state(client, auth, app) -> dict:
    """What each dependent says now."""
    with app.app_context():
        stored = db.session.execute(db.select(DistrictCheck)).scalar_one_or_none()
        stored = (stored.basis_event_id, stored.findings_json) if stored else (None, "")
        changed_at = db.session.execute(db.select(UnitCycle.roster_changed_at).join(Unit)
                                        .filter(Unit.code == UNIT)).scalar_one()
        db.session.remove()
    auth.login_as("reviewer")
    board = client.get("/review/").get_data(as_text=True)
    poll = client.get("/review/", headers={"HX-Request": "true", "HX-Target": "dashboard-body"})
    auth.logout()
    row = next(part for part in board.split("<tr") if f"/review/units/{UNIT}\"" in part)
    auth.login_as("staff", UNIT)
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    auth.logout()
    auth.login_as("reviewer")
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
        db.session.remove()
    report = client.get(f"/reports/{year}/report.json?basis=submitted").get_data(as_text=True)
    auth.logout()
    polled = re.sub(r"\d\d:\d\d:\d\d", "", poll.get_data(as_text=True))
    return {"checks_basis": stored[0], "checks_said": stored[1], "roster": changed_at,
            "roster_badge": ROSTER_BADGE in row, "marks_badge": MARKS_BADGE in row, "notice": NOTICE in page,
            "quota_notice": QUOTA_NOTICE in page,
            "board": polled, "report": report}


@pytest.mark.parametrize("name", list(ROWS))
def test_each_admin_change_moves_what_depends_on_it_and_nothing_else(client, auth, app, demo, name):
    row = ROWS[name]
    switch_to_366(client, auth, app)
    if row.first:
        row.first(client, auth, app, demo)
    submit(client, auth, app, UNIT, RULE_SET)
    auth.login_as("reviewer")
    assert client.get("/review/checks").status_code == 200  # the district checks stored as they stand
    auth.logout()
    before = state(client, auth, app)
    assert before["checks_basis"] is not None and not before["roster_badge"] and not before["notice"]

    row.change(client, auth, app, demo)

    after = state(client, auth, app)
    with app.app_context():
        events = db.session.execute(db.select(AuditEvent.id).filter_by(action=row.action)
                                    .order_by(AuditEvent.id.desc())).scalars().all()
        db.session.remove()
    moved = {"checks": after["checks_basis"] >= events[0] if events else False,
             "roster": after["roster"] != before["roster"] and after["roster_badge"],
             "marks": after["marks_badge"] and after["quota_notice"], "notice": after["notice"],
             "board": after["board"] != before["board"],
             "report": after["report"] != before["report"]}
    wrong = [dependent for dependent, did in moved.items() if did is not (dependent in row.moves)]
    if not events:
        wrong.append(f"no {row.action} audited")
    if row.told and row.told not in after["checks_said"]:
        wrong.append(f"the stored district checks do not say {row.told}")
    if row.action not in ACTION_TEXTS:
        wrong.append(f"the audit log shows {row.action} untranslated")
    if after["marks_badge"] is not after["quota_notice"]:
        wrong.append("the dashboard's outstanding-group badge disagrees with the unit page's notice")
    if after["roster_badge"] is not (after["roster"] != before["roster"]):
        wrong.append("the dashboard badge disagrees with the roster mark")
    assert wrong == []


def actions_written(paths, calls=("record", "_changed", "switch_active")) -> dict[str, str]:
    """Action → file, for each audit action the source writes as a literal (audit.record, leadership's _changed, the
    admin's switch_active), read from the source's syntax tree: a new one is found without a list to keep."""
    found = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in calls:
                found.update({arg.value: str(path) for arg in node.args
                              if isinstance(arg, ast.Constant) and isinstance(arg.value, str)})
    return found


SOURCE = pathlib.Path(kdweb.__file__).parent


def test_every_action_the_app_audits_is_told_in_words_in_the_audit_log():
    written = actions_written(SOURCE.rglob("*.py"))
    assert len(written) > 30 and "quota_mark_added" in written  # the scan sees the app's actions
    assert {action: path for action, path in written.items() if action not in ACTION_TEXTS} == {}


def roster_marking_actions() -> dict[str, str]:
    """The actions audited by a use case that marks a roster changed (it calls mark_roster_changed, or is
    leadership's `_changed`, which does)."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)):
            names = {getattr(call.func, "attr", getattr(call.func, "id", None))
                     for call in ast.walk(function) if isinstance(call, ast.Call)}
            if "mark_roster_changed" in names and function.name != "_changed":
                found.update(_literal_actions(function, ("record", "switch_active"), path))
            if "_changed" in names:
                found.update(_literal_actions(function, ("_changed",), path))
    return found


def _literal_actions(function, calls, path) -> dict[str, str]:
    found = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in calls:
            for arg in node.args:
                for value in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):  # "unit_moved" if …
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found[value.value] = str(path)
    return found


def test_every_change_that_marks_a_roster_asks_for_the_district_checks():
    """A roster marked changed after a submission makes the district checks say it (X-ROSTER): the change must make
    the stored checks be computed again, or they stay behind until another change comes."""
    marking = roster_marking_actions()
    assert {"roster_imported", "unit_updated", "unit_moved", "leader_post_holder_changed",
            "quota_group_changed"} <= set(marking)  # the scan sees them
    assert {action: path for action, path in marking.items() if action not in checks_due.MATTERS} == {}


@pytest.mark.parametrize("name", list(ROWS))
def test_an_upload_of_the_workbook_downloaded_before_the_change_is_told_of_it(client, auth, app, demo, name):
    """The roster revision (moved by the database on any write to a roster table) and the names signed in the
    workbook: a change to who is listed or to a signed fact is told on the old workbook's upload, nothing else is."""
    row = ROWS[name]
    switch_to_366(client, auth, app)
    if row.first:
        row.first(client, auth, app, demo)
    batch, data = roster(app, UNIT), download(client, auth)

    row.change(client, auth, app, demo)

    body = upload_as_staff(client, auth, fill(data, scored_values(batch), RULE_SET))
    assert ("X-ROSTER" in body) is row.upload_told
    assert row.upload_told or row.upload_says in body  # checked and found clean, or refused saying why


# A member is listed in more than one workbook: his or her own tổ chức cơ sở đảng's, and the unit's where he or she is
# in temporary activity (sinh hoạt tạm thời). Each change path that touches such a member must mark every unit whose
# workbook lists the member, before the change or after it.
HOST, HOST_CELL = "BD.P02", "BD.P02.C02"  # where the unit's plain member is in temporary activity
OTHER, OTHER_CELL = "BD.CQ01", "BD.CQ01.C01"
NOT_LISTING = "BD.CB01"  # lists none of them: never marked
NEWCOMER = "DV900777"
TEMPORARY_HEADER = "Chi bộ sinh hoạt tạm thời"


def in_temporary_activity(app, demo):
    """The unit's plain member in temporary activity at HOST's chi bộ, before any workbook is issued."""
    with app.app_context():
        cell = db.session.execute(db.select(Unit.id).filter_by(code=HOST_CELL)).scalar_one()
        db.session.execute(db.update(Person).where(Person.code == plain_member(demo).code)
                           .values(temporary_cell_id=cell))
        db.session.commit()
        db.session.remove()


def import_with_temporary_cell(client, auth, person, cell=None, temporary=HOST_CELL, birth_date=None, code=None,
                               name=None):
    row = [1, code or person.code, name or person.full_name, birth_date or person.birth_date, person.gender,
           cell or person.cell_code, person.admitted_on, "", person.post, temporary or ""]
    auth.login_as("admin")
    import_id = upload_roster(client, "tam-thoi.xlsx", xlsx([[*HEADERS, TEMPORARY_HEADER], row]))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page)).status_code == 303
    auth.logout()


def temporary_birth_date(client, auth, app, demo):
    import_with_temporary_cell(client, auth, plain_member(demo), birth_date="02/09/1975")


def temporary_moved(client, auth, app, demo):
    import_with_temporary_cell(client, auth, plain_member(demo), temporary=OTHER_CELL)


def temporary_ended(client, auth, app, demo):
    import_with_temporary_cell(client, auth, plain_member(demo), temporary=None)


def temporary_newcomer(client, auth, app, demo):
    import_with_temporary_cell(client, auth, plain_member(demo), cell=OTHER_CELL, code=NEWCOMER, name="Đỗ Văn Tạm")


def temporary_member_moves_home(client, auth, app, demo):
    import_with_temporary_cell(client, auth, plain_member(demo), cell=OTHER_CELL)


def temporary_member_chi_bo_renamed(client, auth, app, demo):
    cell = plain_member(demo).cell_code
    as_admin(client, auth, "post", f"/admin/units/{cell}", data=unit_form(app, cell, name="Chi bộ Đổi Tên"))


def temporary_member_chi_bo_moved(client, auth, app, demo):
    cell = plain_member(demo).cell_code
    with app.app_context():
        other = db.session.execute(db.select(Unit.id).filter_by(code=OTHER)).scalar_one()
        db.session.remove()
    as_admin(client, auth, "post", f"/admin/units/{cell}", data=unit_form(app, cell, parent_id=str(other)))


def post_given_to_temporary_member(client, auth, app, demo):
    post, _, _ = first_rated_in(Query(app), LeaderPost)
    as_admin(client, auth, "post", f"/admin/units/{UNIT}/leadership/posts/{post}",
             data={"member_code": plain_member(demo).code})


@dataclass(frozen=True)
class Listed:
    change: object
    action: str
    uploads: dict  # each unit whose workbook lists the subject before or after → what the old workbook's upload says
    notice: frozenset = frozenset()  # those whose list of names changes: the unit page's notice


ROSTER_TOLD, MISSING, CLEAN = "X-ROSTER", "X-MISSING", "Không có lỗi"
LISTED = {
    "roster import: birth date of a member in temporary activity": Listed(
        temporary_birth_date, "roster_imported", {UNIT: ROSTER_TOLD, HOST: ROSTER_TOLD}),
    "roster import: temporary activity moved to another unit": Listed(
        temporary_moved, "roster_imported", {UNIT: CLEAN, HOST: ROSTER_TOLD, OTHER: MISSING},
        frozenset({HOST, OTHER})),
    "roster import: temporary activity ended": Listed(
        temporary_ended, "roster_imported", {UNIT: ROSTER_TOLD, HOST: ROSTER_TOLD}, frozenset({HOST})),
    "roster import: a new member in temporary activity": Listed(
        temporary_newcomer, "roster_imported", {OTHER: MISSING, HOST: MISSING}, frozenset({OTHER, HOST})),
    "roster import: a member in temporary activity moved to another unit": Listed(
        temporary_member_moves_home, "roster_imported", {UNIT: ROSTER_TOLD, OTHER: MISSING, HOST: ROSTER_TOLD},
        frozenset({UNIT, OTHER})),
    "unit form: the chi bộ of a member in temporary activity renamed": Listed(
        temporary_member_chi_bo_renamed, "unit_updated", {UNIT: ROSTER_TOLD, HOST: "Chi bộ Đổi Tên"},
        frozenset({UNIT})),
    "unit form: the chi bộ of a member in temporary activity moved to another unit": Listed(
        temporary_member_chi_bo_moved, "unit_moved", {UNIT: ROSTER_TOLD, OTHER: MISSING, HOST: CLEAN},
        frozenset({UNIT, OTHER})),
    "leadership: post given to a member in temporary activity": Listed(
        post_given_to_temporary_member, "leader_post_holder_changed", {UNIT: ROSTER_TOLD, HOST: ROSTER_TOLD},
        frozenset({UNIT})),
}


def marks_and_notices(client, auth, app, codes) -> dict:
    """Each unit's roster mark, its dashboard badge and its page's notice."""
    with app.app_context():
        marked = dict(db.session.execute(db.select(Unit.code, UnitCycle.roster_changed_at).join(Unit)).all())
        db.session.remove()
    auth.login_as("reviewer")
    board = client.get("/review/").get_data(as_text=True)
    auth.logout()
    found = {}
    for code in codes:
        auth.login_as("staff", code)
        page = client.get(f"/units/{code}").get_data(as_text=True)
        auth.logout()
        row = next(part for part in board.split("<tr") if f"/review/units/{code}\"" in part)
        found[code] = (marked[code], ROSTER_BADGE in row, NOTICE in page)
    return found


@pytest.mark.parametrize("name", list(LISTED))
def test_a_change_to_a_member_marks_every_unit_whose_workbook_lists_the_member(client, auth, app, demo, name):
    row = LISTED[name]
    switch_to_366(client, auth, app)
    in_temporary_activity(app, demo)
    for code in row.uploads:
        submit(client, auth, app, code, RULE_SET)
    before = marks_and_notices(client, auth, app, [*row.uploads, NOT_LISTING])

    row.change(client, auth, app, demo)

    after = marks_and_notices(client, auth, app, [*row.uploads, NOT_LISTING])
    with app.app_context():
        assert db.session.execute(db.select(AuditEvent.id).filter_by(action=row.action)).first() is not None
        db.session.remove()
    wrong = {code: after[code] for code in row.uploads
             if after[code][0] == before[code][0] or not after[code][1] or after[code][2] is not (code in row.notice)}
    assert wrong == {}
    assert after[NOT_LISTING] == before[NOT_LISTING]


def rated_record_of(app, code, member_code) -> str:
    with app.app_context():
        upload_id = db.session.execute(db.select(Upload.id).join(Unit).filter(Unit.code == code)
                                       .order_by(Upload.id.desc())).scalars().first()
        found = db.session.execute(db.select(Rating.record_json).filter_by(
            upload_id=upload_id, subject_code=member_code)).scalar_one()
        db.session.remove()
    return found


@pytest.mark.parametrize("name", list(LISTED))
def test_an_upload_of_a_workbook_listing_the_member_downloaded_before_the_change_is_reconciled(client, auth, app,
                                                                                                demo, name):
    row = LISTED[name]
    switch_to_366(client, auth, app)
    in_temporary_activity(app, demo)
    downloaded = {}
    for code in row.uploads:
        auth.login_as("staff", code)
        downloaded[code] = (roster(app, code), client.get(f"/units/{code}/workbook.xlsx").data)
        auth.logout()

    row.change(client, auth, app, demo)

    said = {}
    for code, (batch, data) in downloaded.items():
        auth.login_as("staff", code)
        body = client.post(f"/units/{code}/uploads", data={"file": (io.BytesIO(fill(data, scored_values(batch),
                                                                                     RULE_SET)), "kq.xlsx")},
                           headers={"HX-Request": "true"}, content_type="multipart/form-data").get_data(as_text=True)
        auth.logout()
        expected = row.uploads[code]
        if expected in (ROSTER_TOLD, MISSING, CLEAN):
            said[code] = expected in body and (expected != CLEAN or ROSTER_TOLD not in body)
        else:  # a fact told on no row of this workbook: read with the roster's value all the same
            said[code] = expected in rated_record_of(app, code, plain_member(demo).code)
    assert said == {code: True for code in row.uploads}
