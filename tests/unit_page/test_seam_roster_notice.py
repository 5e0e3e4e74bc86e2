"""The unit page's roster notice against the upload: what changed since the workbook was issued is one answer
(`roster.renamed`). A change that keeps every code — a leader post given to another person, a leadership collective
or a chi bộ renamed — is named on the unit's and the reviewer's page, as the upload of the old workbook warns of it;
nothing is named when the names are as issued, and the fresh workbook ends it (tests/unit_page/test_roster_notice.py:
codes added, removed, moved; test_seam_roster_record.py: the upload's warnings)."""
from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, Unit
from tests.admin.conftest import Query
from tests.admin.test_units import unit_form
from tests.unit_page.test_roster_notice import downloaded, notice, pages
from tests.unit_page.test_roster_of_record import download, plain_member
from tests.unit_page.test_seam_roster_record import first_of_unit, in_database, newest, told
from tests.unit_page.test_seam_roster import values_for
from tests.workbooks import fill, roster

from .conftest import UNIT, upload

RENAMED = "Đổi tên hoặc đổi người giữ chức vụ"


def give_a_post_away(app, demo):
    def change():
        post = first_of_unit(LeaderPost)
        holder = db.session.execute(db.select(Person).filter_by(code=plain_member(demo).code)).scalar_one()
        before, post.person_id = post.person.full_name, holder.id
        return post.code, before, holder.full_name
    return in_database(app, change)


def rename_a_collective(app, suffix=" (kiện toàn)"):
    def change():
        collective = first_of_unit(Collective)
        before, collective.name = collective.name, collective.name + suffix
        return collective.code, before, collective.name
    return in_database(app, change)


def test_a_leader_post_given_to_another_person_is_named_on_both_pages(client, auth, app, demo):
    downloaded(client, auth, UNIT)
    code, before, after = give_a_post_away(app, demo)
    for page in pages(client, auth):
        assert notice(page) == {"renamed": f"{RENAMED} (1): Cá nhân cán bộ lãnh đạo, quản lý {after} "
                                           f"(mã {code}; tệp mẫu ghi “{before}”)."}
        assert "Danh sách đã thay đổi sau khi tải mẫu" in page


def test_a_collective_renamed_is_named(client, auth, app, demo):
    downloaded(client, auth, UNIT)
    code, before, after = rename_a_collective(app)
    own, _ = pages(client, auth)
    assert notice(own) == {"renamed": f"{RENAMED} (1): Tập thể lãnh đạo, quản lý {after} (mã {code}; "
                                      f"tệp mẫu ghi “{before}”)."}
    assert f'href="/units/{UNIT}/workbook.xlsx?carry=1"' in own


def test_a_chi_bo_renamed_on_the_unit_form_is_named(client, auth, app, demo):
    downloaded(client, auth, UNIT)
    auth.login_as("admin")
    form = unit_form(name="Chi bộ Tổ dân phố số 1 và 2", parent_id=Query(app).id_of(Unit, code=UNIT))
    assert client.post("/admin/units/BD.P01.C01", data=form).status_code == 303
    auth.logout()
    own, _ = pages(client, auth)
    assert notice(own) == {"renamed": f"{RENAMED} (1): Tổ chức đảng Chi bộ Tổ dân phố số 1 và 2 (mã BD.P01.C01; "
                                      "tệp mẫu ghi “Chi bộ Tổ dân phố số 1”)."}


def test_a_rename_beside_a_removal_is_one_more_line(client, auth, app, demo):
    leaving = plain_member(demo, "BD.P01")
    downloaded(client, auth, UNIT)
    code, _, _ = rename_a_collective(app)

    def remove():
        db.session.execute(db.delete(Person).filter_by(code=leaving.code))
    in_database(app, remove)
    own, _ = pages(client, auth)
    assert list(notice(own)) == ["removed", "renamed"] and f"(mã {code};" in notice(own)["renamed"]


def test_a_name_put_back_as_issued_ends_the_notice_and_so_does_the_fresh_workbook(client, auth, app, demo):
    downloaded(client, auth, UNIT)
    code, before, _ = rename_a_collective(app)
    assert notice(pages(client, auth)[0])
    in_database(app, lambda: db.session.execute(db.update(Collective).filter_by(code=code).values(name=before)))
    assert all(notice(page) is None for page in pages(client, auth))

    rename_a_collective(app)
    auth.login_as("staff", UNIT)
    download(client, UNIT, carry=True)
    auth.logout()
    assert all(notice(page) is None for page in pages(client, auth))


def test_the_notice_names_what_the_upload_of_the_old_workbook_warns_of(client, auth, app, demo):
    auth.login_as("staff", UNIT)
    batch, data = roster(app, UNIT), download(client)
    auth.logout()
    post, _, _ = give_a_post_away(app, demo)
    collective, _, _ = rename_a_collective(app)
    named = notice(pages(client, auth)[0])["renamed"]
    auth.login_as("staff", UNIT)
    upload(client, fill(data, values_for("qd132-hd21", batch), "qd132-hd21"))
    result = newest(app)
    warned = {finding[2] for finding in result["findings"] if finding[0] == "X-ROSTER"}
    assert warned == {post, collective} and told(result, "X-ROSTER", post)
    assert all(f"(mã {code};" in named for code in warned)
