"""An organisation out of force at the open cycle's review date that still holds members of its roster: nothing is
refused (dissolving or merging a populated unit is a normal step of the year), the admin is told how many remain
and where and how to move them, in the confirmation and on the units page and the overview until they are moved;
a roster import row putting a member in such a chi bộ is a warning, and is imported."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import Collective, Cycle, LeaderPost, Person, Unit
from kdweb.services.admin.roster_template import CELLS_SHEET
from tests.admin.files import HEADERS, xlsx
from tests.admin.test_roster_import import confirm_form, counts, upload
from tests.admin.test_unit_validity import edit, validity
from tests.admin.test_units import get_unit

HX = {"HX-Request": "true"}
CELL = "BD.P01.C03"  # Chi bộ Tổ dân phố số 3 of Đảng bộ phường Cống Vị: 20 members in the demo, no account
SUCCESSOR = "BD.P01.C01"  # Chi bộ Tổ dân phố số 1


def members_of(query, code, column=Person.cell_id):
    unit_id = query.id_of(Unit, code=code)
    return query(lambda: set(db.session.execute(db.select(Person.code).where(column == unit_id)).scalars()))


def review_date(query):
    return query(lambda: db.session.execute(db.select(Cycle.review_date).filter_by(year=2026)).scalar_one())


def notice(client, path="/admin/units"):
    page = client.get(path).get_data(as_text=True)
    start = page.find('id="members-left"')
    return page[start:page.index("</section>", start)] if start >= 0 else ""


def row(number, person, cell):
    return [number, person.code, person.full_name, person.birth_date, person.gender, cell, person.admitted_on, "", ""]


def test_deactivating_a_chi_bo_with_members_proceeds_and_says_how_many_remain(client, admin, query, audit_log):
    before = members_of(query, CELL)
    response = client.post(f"/admin/units/{CELL}/deactivate", headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'class="row-warning"' in body
    assert "Còn 20 đảng viên trong danh sách đợt 2026 sinh hoạt tại “Chi bộ Tổ dân phố số 3”" in body
    assert "đã ngừng hoạt động" in body and "chi bộ khác" in body and "Danh sách đảng viên" in body
    assert get_unit(query, CELL)["active"] is False
    assert len(audit_log("unit_deactivated")) == 1
    assert members_of(query, CELL) == before and len(before) == 20  # nobody moved behind the admin's back


def test_deactivating_without_htmx_flashes_the_warning(client, admin, query):
    page = client.post(f"/admin/units/{CELL}/deactivate", follow_redirects=True).get_data(as_text=True)
    assert '<p class="flash flash-warning" role="status">Đã ngừng hoạt động đơn vị “Chi bộ Tổ dân phố số 3”. Còn 20' in page
    assert get_unit(query, CELL)["active"] is False


def test_deactivating_an_empty_unit_says_nothing_more(client, auth, admin, query):
    page = client.post("/admin/units/new", data={"code": "BD.P01.C99", "name": "Chi bộ Thử", "kind": "cell",
                                                 "level": "grassroots", "parent_id": query.id_of(Unit, code="BD.P01"),
                                                 "sort_order": "0"}, follow_redirects=True)
    assert page.status_code == 200
    page = client.post("/admin/units/BD.P01.C99/deactivate", follow_redirects=True).get_data(as_text=True)
    assert '<p class="flash flash-success" role="status">Đã ngừng hoạt động đơn vị “Chi bộ Thử”.</p>' in page
    assert "Còn " not in page


def test_merging_a_chi_bo_into_its_successor_proceeds_and_names_the_successor(client, admin, query, audit_log):
    successor = query.id_of(Unit, code=SUCCESSOR)
    response = edit(client, query, CELL, valid_to="30/06/2026", successor_id=str(successor))
    assert response.status_code == 303
    assert validity(query, CELL) == (None, date(2026, 6, 30), SUCCESSOR)
    assert len(audit_log("unit_updated")) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-warning" in page
    assert "Còn 20 đảng viên trong danh sách đợt 2026" in page
    assert "hết hiệu lực trước ngày đánh giá 01/12/2026 (ngày cuối 30/06/2026)" in page
    assert "Hãy chuyển họ sang đơn vị kế thừa “Chi bộ Tổ dân phố số 1”" in page
    assert len(members_of(query, CELL)) == 20


@pytest.mark.parametrize("values, why", [
    ({"valid_to": "30/11/2026"}, "ngày cuối 30/11/2026"),
    ({"valid_from": "02/12/2026"}, "chỉ có hiệu lực từ 02/12/2026, sau ngày đánh giá 01/12/2026"),
], ids=["last day before the review date", "valid only after it"])
def test_a_validity_leaving_out_the_review_date_proceeds_with_the_warning(client, admin, query, values, why):
    response = edit(client, query, CELL, **values)
    assert response.status_code == 303
    assert validity(query, CELL) != (None, None, None)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Còn 20 đảng viên" in page and why in page and "chi bộ khác" in page


def test_a_validity_still_covering_the_review_date_is_a_plain_save(client, admin, query):
    response = edit(client, query, CELL, valid_to="31/12/2026")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-success" in page and "Còn 20" not in page and notice(client) == ""


def test_merging_a_ward_says_to_move_its_chi_bo_and_the_notice_stays(client, admin, query):
    successor = query.id_of(Unit, code="BD.P02")
    response = edit(client, query, "BD.P01", valid_to="30/06/2026", successor_id=str(successor))
    assert response.status_code == 303 and validity(query, "BD.P01")[1] == date(2026, 6, 30)
    ward = len(members_of(query, "BD.P01", Person.grassroots_id))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Còn {ward} đảng viên trong danh sách đợt 2026 sinh hoạt tại “Đảng bộ phường Cống Vị” và các chi bộ" in page
    assert "chuyển các chi bộ trực thuộc sang đơn vị khác" in page and "Đảng bộ phường Điện Biên" in page

    shown = notice(client)
    assert f'data-left-unit="BD.P01" data-left-members="{ward}"' in shown
    assert "/admin/units/BD.P01" in shown and "/admin/roster" in shown  # where to act
    assert 'data-left-unit="BD.P01"' in notice(client, "/admin/")


def test_moving_the_review_date_past_a_chi_bos_last_day_proceeds_with_the_warning(client, admin, query):
    assert edit(client, query, CELL, valid_to="31/12/2026").status_code == 303  # in force on 01/12/2026
    response = client.post("/admin/cycles/2026", data={"rule_set_id": "qd132-hd21", "review_date": "02/01/2027",
                                                       "grassroots_deadline": "15/01/2027",
                                                       "district_deadline": "31/01/2027"})
    assert response.status_code == 303
    assert review_date(query) == date(2027, 1, 2)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-warning" in page and "Đã lưu đợt kiểm điểm năm 2026." in page
    assert "Còn 20 đảng viên trong danh sách đợt 2026 sinh hoạt tại “Chi bộ Tổ dân phố số 3”" in page
    assert "hết hiệu lực trước ngày đánh giá 02/01/2027 (ngày cuối 31/12/2026)" in page
    assert f'data-left-unit="{CELL}" data-left-members="20"' in notice(client)


@pytest.mark.parametrize("through_the_job", [False, True], ids=["in the request", "through the preview job"])
def test_a_roster_row_into_a_merged_chi_bo_is_a_warning_and_is_imported(client, admin, query, demo, app,
                                                                       monkeypatch, through_the_job):
    if through_the_job:  # a large file's preview is kept by its job and read back: the warning with it
        monkeypatch.setitem(app.config, "KDWEB_ROSTER_PREVIEW_IN_REQUEST_BYTES", 0)
    successor = query.id_of(Unit, code=SUCCESSOR)
    assert edit(client, query, CELL, valid_to="30/06/2026", successor_id=str(successor)).status_code == 303
    person = next(p for p in demo.persons if p.cell_code == "BD.P01.C02")
    import_id = upload(client, "chuyen.xlsx", xlsx([HEADERS, row(1, person, CELL)]))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert counts(page) == (0, 1, 0, 0)  # an update, no error
    assert 'data-warnings="1"' in page and 'id="row-warnings"' in page
    assert "hết hiệu lực trước ngày đánh giá 01/12/2026 (30/06/2026 là ngày cuối)" in page
    assert "đơn vị kế thừa là “BD.P01.C01 – Chi bộ Tổ dân phố số 1”" in page

    assert client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page)).status_code == 303
    assert person.code in members_of(query, CELL)


def test_the_notice_goes_once_a_roster_import_moves_the_members_and_the_leader_post(client, admin, query, demo):
    assert client.post(f"/admin/units/{CELL}/deactivate").status_code == 303
    assert 'data-left-members="20" data-left-collectives="0" data-left-posts="1"' in notice(client)
    moved = [p for p in demo.persons if p.cell_code == CELL]
    import_id = upload(client, "chuyen.xlsx", xlsx([HEADERS, *(row(n, p, SUCCESSOR) for n, p in enumerate(moved, 1))]))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert counts(page) == (0, 20, 0, 0) and "data-warnings" not in page
    assert client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page)).status_code == 303
    assert members_of(query, CELL) == set()
    shown = notice(client)  # its secretary's post still heads the chi bộ until ended
    assert 'data-left-members="0" data-left-collectives="0" data-left-posts="1"' in shown
    assert "Bí thư Chi bộ Tổ dân phố số 3" in shown and "Xem đảng viên" not in shown
    move_leadership(query, CELL, None)
    assert notice(client) == "" and notice(client, "/admin/") == ""


def leadership_of(query, code):
    """The open cycle's collective names and leader post titles tied to the unit (rated in it, leading or heading it)."""
    unit_id = query.id_of(Unit, code=code)
    return query(lambda: (
        set(db.session.execute(db.select(Collective.name).where(
            (Collective.rated_in_id == unit_id) | (Collective.leads_unit_id == unit_id))).scalars()),
        set(db.session.execute(db.select(LeaderPost.title).where(
            (LeaderPost.rated_in_id == unit_id) | (LeaderPost.heads_unit_id == unit_id))).scalars())))


def move_leadership(query, code, to_code):
    """What a system administrator does, no admin page doing it: the collectives and leader posts tied to `code`
    move to `to_code`, or (None) the posts are removed."""
    unit_id = query.id_of(Unit, code=code)
    to_id = query.id_of(Unit, code=to_code) if to_code else None
    tied = {Collective: ("rated_in_id", "leads_unit_id"), LeaderPost: ("rated_in_id", "heads_unit_id")}

    def move():
        for model, columns in tied.items():
            for column in columns:
                where = getattr(model, column) == unit_id
                db.session.execute(db.update(model).where(where).values({column: to_id}) if to_id
                                   else db.delete(model).where(where))
        db.session.commit()
    query(move)


def test_merging_a_ward_names_its_collectives_and_leader_posts_until_they_are_moved(client, admin, query):
    collectives, posts = leadership_of(query, "BD.P01")
    assert collectives and posts
    successor = query.id_of(Unit, code="BD.P02")
    response = edit(client, query, "BD.P01", valid_to="30/06/2026", successor_id=str(successor))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (f"Đợt 2026 còn {len(collectives)} tập thể lãnh đạo" in page
            and f"{len(posts)} chức vụ lãnh đạo" in page and "gắn với “Đảng bộ phường Cống Vị”" in page)
    assert "Bí thư Đảng ủy phường Cống Vị" in page and "đứng đầu đơn vị" in page
    assert "trang “Lãnh đạo và tập thể lãnh đạo” của đơn vị đánh giá chúng" in page
    assert "thêm lại gắn với đơn vị kế thừa “Đảng bộ phường Điện Biên” rồi bỏ cái cũ" in page

    shown = notice(client)
    assert f'data-left-collectives="{len(collectives)}" data-left-posts="{len(posts)}"' in shown
    assert "Bí thư Đảng ủy phường Cống Vị" in shown and 'class="members-left-leadership"' in shown
    assert f'data-left-posts="{len(posts)}"' in notice(client, "/admin/")

    move_leadership(query, "BD.P01", "BD.P02")
    assert leadership_of(query, "BD.P01") == (set(), set())
    shown = notice(client)  # the members are still to be moved; nothing of the leadership is left to tell
    assert 'data-left-unit="BD.P01"' in shown and 'data-left-collectives="0" data-left-posts="0"' in shown
    assert "members-left-leadership" not in shown and "Bí thư Đảng ủy phường" not in shown


def test_the_roster_files_list_of_chi_bo_offers_those_in_force(client, admin, query):
    def listed():
        book = load_workbook(io.BytesIO(client.get("/admin/roster/template.xlsx").data))
        return {row[0] for row in book[CELLS_SHEET].iter_rows(values_only=True)}

    assert CELL in listed()
    assert edit(client, query, CELL, valid_to="30/06/2026").status_code == 303
    assert CELL not in listed() and SUCCESSOR in listed()
