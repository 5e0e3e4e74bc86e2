"""The unit tree: view, create, edit, move (never into itself), deactivate and reactivate; all audited."""
import pytest

from kdweb.extensions import db
from kdweb.models import Person, Unit, UnitCycle, User

HX = {"HX-Request": "true"}


def unit_form(**values):
    form = {"name": "Chi bộ Tổ dân phố số 4", "kind": "cell", "level": "grassroots", "group": "Chi bộ khu dân cư",
            "parent_id": "", "sort_order": "0"}
    form.update(values)
    return {key: value for key, value in form.items() if value is not None}



def get_unit(query, code):
    return query.one(Unit, lambda unit: {"name": unit.name, "parent": unit.parent.code if unit.parent else None,
                                         "active": unit.active, "group": unit.group, "reports": unit.reports,
                                         "kind": unit.kind, "level": unit.level}, code=code)


def test_tree_shows_every_unit_indented_under_its_parent(client, admin, demo):
    page = client.get("/admin/units").get_data(as_text=True)
    for unit in demo.units:
        assert unit.code in page
    assert page.index("Đảng bộ phường Cống Vị") < page.index("BD.P01.C01") < page.index("Đảng bộ phường Điện Biên")
    assert '<td class="unit-name depth-2">Chi bộ' in page
    assert "dùng chung cho mọi năm" in page


def test_create_a_chi_bo_under_a_ward(client, admin, query, audit_log):
    parent = query.id_of(Unit, code="BD.P01")
    response = client.post("/admin/units/new", data=unit_form(code="BD.P01.C04", parent_id=parent))
    assert response.status_code == 303
    assert get_unit(query, "BD.P01.C04") == {"name": "Chi bộ Tổ dân phố số 4", "parent": "BD.P01", "active": True,
                                             "group": "Chi bộ khu dân cư", "reports": False, "kind": "cell",
                                             "level": "grassroots"}
    [(who, target, detail)] = audit_log("unit_created")
    assert who == "admin" and target == query.id_of(Unit, code="BD.P01.C04")
    assert detail["code"] == "BD.P01.C04" and detail["parent"] == "BD.P01"
    assert "Đã tạo đơn vị" in client.get("/admin/units").get_data(as_text=True)


def test_a_new_reporting_unit_joins_the_open_cycle(client, admin, query):
    district = query.id_of(Unit, code="BD")
    client.post("/admin/units/new", data=unit_form(code="BD.TH09", name="Chi bộ Trường THCS Mới", kind="grassroots_cell",
                                                   group="Khối giáo dục", parent_id=district, reports="1"))
    new_id = query.id_of(Unit, code="BD.TH09")
    rows = query(lambda: db.session.execute(db.select(UnitCycle.status).filter_by(unit_id=new_id)).scalars().all())
    assert rows == ["not_downloaded"]


@pytest.mark.parametrize("values, message", [
    ({"code": "BD.P01.C01"}, "Đã có đơn vị mã"),
    ({"code": "có dấu cách"}, "không có dấu cách"),
    ({"code": "BD.X", "name": "  "}, "Tên đơn vị bắt buộc"),
    ({"code": "BD.X", "kind": "galaxy"}, "Chọn loại"),
    ({"code": "BD.X", "parent_id": ""}, "Chọn đơn vị cấp trên"),
])
def test_create_refusals_keep_the_form(client, admin, query, audit_log, values, message):
    form = unit_form(parent_id=query.id_of(Unit, code="BD.P01"))
    form.update(values)
    response = client.post("/admin/units/new", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'name="name"' in body
    assert audit_log("unit_created") == []


def test_edit_kind_level_group_and_reports(client, admin, query, audit_log):
    form = unit_form(name="Chi bộ Khu dân cư số 1 (mới)", kind="cell", level="grassroots", group="Nhóm A",
                     parent_id=query.id_of(Unit, code="BD.P01"), reports="1")
    assert client.post("/admin/units/BD.P01.C01", data=form).status_code == 303
    unit = get_unit(query, "BD.P01.C01")
    assert unit["name"] == "Chi bộ Khu dân cư số 1 (mới)" and unit["group"] == "Nhóm A" and unit["reports"] is True
    [(who, _, detail)] = audit_log("unit_updated")
    assert who == "admin"
    assert detail["changes"]["group"][1] == "Nhóm A" and detail["changes"]["reports"] == [False, True]


def test_the_edit_form_shows_the_unit(client, admin):
    page = client.get("/admin/units/BD.P01.C01").get_data(as_text=True)
    assert 'value="BD.P01.C01" disabled' in page
    assert "Mã không đổi được" in page
    assert "BD.P01.C01)</option>" not in page  # a unit cannot be its own parent
    assert client.get("/admin/units/NO.SUCH").status_code == 404


def test_move_a_chi_bo_to_another_ward_takes_its_members_along(client, admin, query, audit_log, demo):
    members = [person.code for person in demo.persons if person.cell_code == "BD.P01.C01"]
    form = unit_form(name="Chi bộ chuyển", parent_id=query.id_of(Unit, code="BD.P02"))
    assert client.post("/admin/units/BD.P01.C01", data=form).status_code == 303
    assert get_unit(query, "BD.P01.C01")["parent"] == "BD.P02"
    p02 = query.id_of(Unit, code="BD.P02")
    grassroots = query(lambda: set(db.session.execute(
        db.select(Person.grassroots_id).where(Person.code.in_(members))).scalars()))
    assert grassroots == {p02}
    [(_, _, detail)] = audit_log("unit_moved")
    assert detail["changes"]["parent"] == ["BD.P01", "BD.P02"]
    assert detail["members_regrouped"] == len(members) > 0


@pytest.mark.parametrize("new_parent", ["BD.P01", "BD.P01.C02"])
def test_moving_a_unit_into_itself_or_its_subtree_is_refused(client, admin, query, audit_log, new_parent):
    form = unit_form(name="Đảng bộ phường Cống Vị", kind="grassroots_committee", parent_id=query.id_of(Unit, code=new_parent))
    response = client.post("/admin/units/BD.P01", data=form)
    assert response.status_code == 422
    assert "Không thể chuyển đơn vị vào chính nó" in response.get_data(as_text=True)
    assert get_unit(query, "BD.P01")["parent"] == "BD"
    assert audit_log("unit_moved") == []


def test_deactivate_keeps_the_unit_and_its_history(client, admin, query, audit_log):
    members_before = query(lambda: db.session.scalar(db.select(db.func.count(Person.id)).join(
        Unit, Person.cell_id == Unit.id).where(Unit.code == "BD.P01.C03")))
    response = client.post("/admin/units/BD.P01.C03/deactivate")
    assert response.status_code == 303
    assert get_unit(query, "BD.P01.C03")["active"] is False
    members_after = query(lambda: db.session.scalar(db.select(db.func.count(Person.id)).join(
        Unit, Person.cell_id == Unit.id).where(Unit.code == "BD.P01.C03")))
    assert members_after == members_before > 0
    [(who, target, detail)] = audit_log("unit_deactivated")
    assert who == "admin" and target == query.id_of(Unit, code="BD.P01.C03") and detail == {"code": "BD.P01.C03"}
    page = client.get("/admin/units").get_data(as_text=True)
    assert "Ngừng hoạt động" in page and "Kích hoạt lại" in page


def test_deactivate_and_reactivate_with_htmx_swap_the_row(client, admin, query, audit_log):
    response = client.post("/admin/units/BD.P01.C03/deactivate", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="unit-{query.id_of(Unit, code="BD.P01.C03")}" class="is-inactive">')
    assert "Kích hoạt lại" in body and "<html" not in body
    response = client.post("/admin/units/BD.P01.C03/activate", headers=HX)
    assert response.status_code == 200 and "Đang hoạt động" in response.get_data(as_text=True)
    assert get_unit(query, "BD.P01.C03")["active"] is True
    assert len(audit_log("unit_activated")) == 1


def test_a_unit_with_active_children_cannot_be_deactivated(client, admin, query, audit_log):
    response = client.post("/admin/units/BD.P01/deactivate", headers=HX)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "đơn vị trực thuộc đang hoạt động" in body and "BD.P01.C01" in body
    assert body.lstrip().startswith("<tr")
    assert get_unit(query, "BD.P01")["active"] is True
    assert audit_log("unit_deactivated") == []


def test_a_unit_with_active_accounts_cannot_be_deactivated(client, admin, query):
    response = client.post("/admin/units/BD.TH01/deactivate", follow_redirects=True)
    assert "tài khoản đang hoạt động" in response.get_data(as_text=True)
    assert get_unit(query, "BD.TH01")["active"] is True


def test_a_unit_under_an_inactive_parent_cannot_be_reactivated(client, admin, query):
    for code in ("BD.P01.C01", "BD.P01.C02", "BD.P01.C03", "BD.P01.CQ", "BD.P01.CA"):
        client.post(f"/admin/units/{code}/deactivate")
    staff_id = query(lambda: db.session.execute(db.select(User.id).filter_by(login="bd-p01")).scalar_one())
    client.post(f"/admin/accounts/{staff_id}/deactivate")
    assert client.post("/admin/units/BD.P01/deactivate").status_code == 303
    assert get_unit(query, "BD.P01")["active"] is False
    response = client.post("/admin/units/BD.P01.C01/activate", follow_redirects=True)
    assert "đang ngừng hoạt động" in response.get_data(as_text=True)
    assert get_unit(query, "BD.P01.C01")["active"] is False


def test_founding_date_is_set_shown_audited_and_checked(client, admin, query, audit_log):
    from datetime import date

    parent = query.id_of(Unit, code="BD.P01")
    form = unit_form(code="BD.P01.C09", parent_id=parent, founded_on="2026-09-15")
    assert client.post("/admin/units/new", data=form).status_code == 303
    founded = lambda: query(lambda: db.session.execute(
        db.select(Unit.founded_on).filter_by(code="BD.P01.C09")).scalar_one())
    assert founded() == date(2026, 9, 15)
    assert 'value="2026-09-15"' in client.get("/admin/units/BD.P01.C09").get_data(as_text=True)

    changed = unit_form(parent_id=parent, founded_on="2026-08-01")
    assert client.post("/admin/units/BD.P01.C09", data=changed).status_code == 303
    assert founded() == date(2026, 8, 1)
    assert audit_log("unit_updated")[-1][2]["changes"]["founded_on"] == ["2026-09-15", "2026-08-01"]

    response = client.post("/admin/units/BD.P01.C09", data=unit_form(parent_id=parent, founded_on="31/02/2026"))
    assert response.status_code == 422 and "Ngày thành lập không hợp lệ" in response.get_data(as_text=True)
    assert founded() == date(2026, 8, 1)


def test_editing_a_unit_marks_the_roster_changed_for_the_units_around_it(client, admin, query):
    from kdweb.models import UnitCycle

    def changed_at(code):
        return query(lambda: db.session.execute(
            db.select(UnitCycle.roster_changed_at).join(Unit, UnitCycle.unit_id == Unit.id)
            .filter(Unit.code == code)).scalar_one())

    assert changed_at("BD.P01") is None and changed_at("BD.P02") is None
    form = unit_form(name="Chi bộ Khu dân cư số 1", parent_id=query.id_of(Unit, code="BD.P02"))
    assert client.post("/admin/units/BD.P01.C01", data=form).status_code == 303
    assert changed_at("BD.P01") is not None and changed_at("BD.P02") is not None  # left one, joined the other
