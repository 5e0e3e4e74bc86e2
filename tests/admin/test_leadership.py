"""A unit's leader posts and leadership collectives in the open cycle: the admin gives a post to another member or
renames a collective; the unit's next workbook lists it, the upload of the workbook issued before is warned of it
(X-ROSTER), the unit's page names it; refusals say why and change nothing; admin only, audited."""
import io

from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, Unit, UnitCycle
from kdweb.rules import SubjectKind
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_roster_notice import notice, pages
from tests.unit_page.test_roster_of_record import download, plain_member
from tests.unit_page.test_seam_roster import values_for
from tests.unit_page.test_seam_roster_record import newest, told
from tests.workbooks import cell_of, fill, roster

HX = {"HX-Request": "true"}
PAGE = f"/admin/units/{UNIT}/leadership"


def first_rated_in(query, model, unit=UNIT):
    """(code, id, shown name) of the unit's first post (its holder's name) or collective, by code."""
    def load():
        row = db.session.execute(db.select(model).join(Unit, model.rated_in_id == Unit.id)
                                 .filter(Unit.code == unit).order_by(model.code)).scalars().first()
        return row.code, row.id, row.person.full_name if model is LeaderPost else row.name
    return query(load)


def holder_of(query, code):
    return query(lambda: db.session.execute(
        db.select(Person.code).join(LeaderPost, LeaderPost.person_id == Person.id).filter(LeaderPost.code == code)
    ).scalar_one())


def written(data, kind, code):
    """The name a workbook gives the subject of that code."""
    sheet, cell = cell_of(data, kind, code, "name")
    return load_workbook(io.BytesIO(data))[sheet][cell].value


def issued(client, auth, app):
    """The unit's workbook as its staff downloads it now, with the roster it was issued for."""
    auth.login_as("staff", UNIT)
    batch, data = roster(app, UNIT), download(client)
    auth.logout()
    return batch, data


def give(client, post_code, member_code, unit=UNIT, **kwargs):
    return client.post(f"/admin/units/{unit}/leadership/posts/{post_code}", data={"member_code": member_code},
                       **kwargs)


def rename(client, collective_code, name, **kwargs):
    return client.post(f"/admin/units/{UNIT}/leadership/collectives/{collective_code}", data={"name": name}, **kwargs)


def roster_changed_at(query, unit=UNIT):
    return query(lambda: db.session.execute(db.select(UnitCycle.roster_changed_at).join(Unit)
                                            .filter(Unit.code == unit)).scalar_one())


def test_the_page_lists_the_posts_and_collectives_rated_in_the_unit(client, admin, query, demo):
    post, _, holder = first_rated_in(query, LeaderPost)
    collective, _, name = first_rated_in(query, Collective)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Lãnh đạo và tập thể lãnh đạo: Đảng bộ phường Cống Vị" in page and "đợt 2026" in page
    assert holder in page and holder_of(query, post) in page and name in page
    assert f'action="/admin/units/{UNIT}/leadership/posts/{post}"' in page
    assert f'action="/admin/units/{UNIT}/leadership/collectives/{collective}"' in page
    assert f'href="{PAGE}"' in client.get(f"/admin/units/{UNIT}").get_data(as_text=True)  # linked from the unit form
    district = client.get("/admin/units/BD.P01.C01/leadership").get_data(as_text=True)
    assert "Không có chức vụ lãnh đạo nào được đánh giá tại đơn vị này." in district


def test_a_post_given_to_another_member_is_in_the_next_workbook_and_warned_on_the_old_one(
        client, auth, app, admin, query, demo, audit_log):
    batch, old = issued(client, auth, app)
    post, post_id, before = first_rated_in(query, LeaderPost)
    before_code, member = holder_of(query, post), plain_member(demo)
    auth.login_as("admin")
    response = give(client, post, member.code)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{PAGE}#post-{post_id}")
    assert f"Đã giao chức vụ" in client.get(PAGE).get_data(as_text=True)
    assert holder_of(query, post) == member.code and roster_changed_at(query) is not None
    [(who, target, detail)] = audit_log("leader_post_holder_changed")
    assert who == "admin" and target == post_id and detail["code"] == post
    assert detail["before"] == f"{before} ({before_code})" and detail["after"] == f"{member.full_name} ({member.code})"
    auth.logout()

    own, reviewer = pages(client, auth)
    assert f"(mã {post}; tệp mẫu ghi “{before}”)" in notice(own)["renamed"] and notice(reviewer)
    auth.login_as("staff", UNIT)
    upload(client, fill(old, values_for("qd132-hd21", batch), "qd132-hd21"))
    assert told(newest(app), "X-ROSTER", post)
    assert written(download(client), SubjectKind.LEADER, post) == member.full_name
    assert written(old, SubjectKind.LEADER, post) == before


def test_a_collective_renamed_is_in_the_next_workbook_and_warned_on_the_old_one(
        client, auth, app, admin, query, demo, audit_log):
    batch, old = issued(client, auth, app)
    collective, collective_id, before = first_rated_in(query, Collective)
    after = before + " nhiệm kỳ 2025–2030"
    auth.login_as("admin")
    response = rename(client, collective, f"  {after} ", headers=HX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.startswith(f'<tr id="collective-{collective_id}">')
    assert f"Đã đổi tên tập thể lãnh đạo thành “{after}”." in page and "<html" not in page
    assert query.one(Collective, lambda row: row.name, code=collective) == after
    [(_, target, detail)] = audit_log("collective_renamed")
    assert target == collective_id and (detail["before"], detail["after"]) == (before, after)
    assert roster_changed_at(query) is not None
    auth.logout()

    own, _ = pages(client, auth)
    assert f"(mã {collective}; tệp mẫu ghi “{before}”)" in notice(own)["renamed"]
    auth.login_as("staff", UNIT)
    upload(client, fill(old, values_for("qd132-hd21", batch), "qd132-hd21"))
    assert told(newest(app), "X-ROSTER", collective)
    assert written(download(client), SubjectKind.COLLECTIVE, collective) == after


def test_a_district_post_may_go_to_a_member_of_any_organisation(client, admin, query, demo):
    post, _, _ = first_rated_in(query, LeaderPost, unit="BD")
    member = plain_member(demo, "BD.P02")
    assert give(client, post, member.code, unit="BD").status_code == 303
    assert holder_of(query, post) == member.code


def test_refusals_say_why_in_the_row_and_change_nothing(client, admin, query, demo, audit_log):
    post, post_id, _ = first_rated_in(query, LeaderPost)
    collective, _, name = first_rated_in(query, Collective)
    holder = holder_of(query, post)
    for response, reason in (
            (give(client, post, "KHONG.CO", headers=HX), "Không có đảng viên mã “KHONG.CO” trong danh sách"),
            (give(client, post, "  ", headers=HX), "Nhập mã đảng viên"),
            (give(client, post, holder, headers=HX), "đang giữ chức vụ này"),
            (rename(client, collective, " ", headers=HX), "Tên tập thể lãnh đạo bắt buộc"),
            (rename(client, collective, "x" * 201, headers=HX), "tối đa 200 ký tự"),
            (rename(client, collective, f" {name}", headers=HX), "Tên mới giống tên hiện tại")):
        page = response.get_data(as_text=True)
        assert response.status_code == 409 and reason in page and 'class="row-error" role="alert"' in page
    assert holder_of(query, post) == holder and query.one(Collective, lambda row: row.name, code=collective) == name
    assert audit_log("leader_post_holder_changed") == audit_log("collective_renamed") == []
    assert roster_changed_at(query) is None

    plain = give(client, post, "KHONG.CO")  # without htmx: the reason flashed on the page
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#post-{post_id}")
    assert "Không có đảng viên mã “KHONG.CO”" in client.get(PAGE).get_data(as_text=True)


def test_a_post_or_collective_of_another_unit_is_not_found_here(client, admin, query):
    post, _, _ = first_rated_in(query, LeaderPost, unit="BD")
    collective, _, _ = first_rated_in(query, Collective, unit="BD")
    assert give(client, post, "x").status_code == 404
    assert rename(client, collective, "Tên khác").status_code == 404
    assert client.get("/admin/units/KHONG.CO/leadership").status_code == 404


def test_only_the_admin_with_the_form_token_changes_leadership(client, auth, query, demo, audit_log):
    post, _, _ = first_rated_in(query, LeaderPost)
    collective, _, name = first_rated_in(query, Collective)
    holder, member = holder_of(query, post), plain_member(demo)
    for role in ("staff", "reviewer"):
        auth.login_as(role, UNIT if role == "staff" else None)
        assert client.get(PAGE).status_code == 403
        assert give(client, post, member.code).status_code == 403
        assert rename(client, collective, "Tên khác").status_code == 403
        auth.logout()
    auth.login_as("admin")
    assert give(client, post, member.code, csrf=False).status_code == 400
    assert rename(client, collective, "Tên khác", csrf=False).status_code == 400
    assert holder_of(query, post) == holder and query.one(Collective, lambda row: row.name, code=collective) == name
    assert audit_log("leader_post_holder_changed") == audit_log("collective_renamed") == []


def test_the_audit_log_tells_the_change_in_words(client, admin, query, demo):
    post, _, _ = first_rated_in(query, LeaderPost)
    give(client, post, plain_member(demo).code)
    log = client.get("/review/audit").get_data(as_text=True)
    assert "Đổi người giữ chức vụ lãnh đạo" in log and "chức vụ lãnh đạo #" in log and "sau: " in log


def post_form(**values):
    form = {"code": "BD.P01.LD.PBT", "title": "Phó Bí thư Đảng ủy phường Cống Vị", "group": "Phó Bí thư cấp ủy cơ sở",
            "member_code": "", "heads_unit_id": "", "heads_collective_id": ""}
    return {**form, **values}


def collective_form(**values):
    form = {"code": "BD.P01.TT.HCCB", "name": "Ban Chấp hành Hội Cựu chiến binh phường Cống Vị",
            "collective_type": "MTTQ và các đoàn thể", "leads_unit_id": "", "founded_on": "01/10/2020"}
    return {**form, **values}


def codes_in(data, kind):
    """The codes a workbook lists for that kind (its code column)."""
    from kdweb.excel.columns import sheet_specs
    from kdweb.rules import get_rule_set

    spec = next(s for s in sheet_specs(get_rule_set("qd132-hd21")) if s.kind is kind)
    sheet = load_workbook(io.BytesIO(data), read_only=True)[spec.name]
    return {str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None}


def test_a_post_and_a_collective_added_are_in_the_next_workbook(client, auth, app, admin, query, demo, audit_log):
    member = plain_member(demo)
    ward = query.id_of(Unit, code=UNIT)
    response = client.post(f"{PAGE}/posts", data=post_form(member_code=f" {member.code} ", heads_unit_id=str(ward)))
    assert response.status_code == 303
    assert query.one(LeaderPost, lambda row: (row.person.code, row.heads_unit_id, row.rated_in.code, row.title),
                     code="BD.P01.LD.PBT") == (member.code, ward, UNIT, "Phó Bí thư Đảng ủy phường Cống Vị")
    response = client.post(f"{PAGE}/collectives", data=collective_form())
    assert response.status_code == 303
    assert query.one(Collective, lambda row: (row.rated_in.code, str(row.founded_on)),
                     code="BD.P01.TT.HCCB") == (UNIT, "2020-10-01")
    [(_, _, added_post)] = audit_log("leader_post_added")
    [(_, _, added_collective)] = audit_log("collective_added")
    assert added_post["code"] == "BD.P01.LD.PBT" and added_collective["after"].startswith("Ban Chấp hành Hội")
    assert roster_changed_at(query) is not None
    auth.logout()
    auth.login_as("staff", UNIT)
    data = download(client)
    assert written(data, SubjectKind.LEADER, "BD.P01.LD.PBT") == member.full_name
    assert written(data, SubjectKind.COLLECTIVE, "BD.P01.TT.HCCB") == "Ban Chấp hành Hội Cựu chiến binh phường Cống Vị"


def test_adding_refuses_a_taken_code_an_unknown_member_and_a_choice_not_offered(client, admin, query, demo, audit_log):
    post, _, _ = first_rated_in(query, LeaderPost)
    collective, _, _ = first_rated_in(query, Collective)
    other_unit = query.id_of(Unit, code="BD.P02")
    member = plain_member(demo).code
    for form, reason in ((post_form(code=post, member_code=member), f"đã có chức vụ mã “{post}”"),
                         (post_form(member_code="KHONG.CO"), "Không có đảng viên mã “KHONG.CO”"),
                         (post_form(member_code=member, title=" "), "Tên chức vụ bắt buộc"),
                         (post_form(member_code=member, heads_unit_id=str(other_unit)), "Đứng đầu đơn vị: chọn"),
                         (post_form(code="có dấu cách", member_code=member), "không có dấu cách")):
        response = client.post(f"{PAGE}/posts", data=form)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and reason in page and 'value="Phó Bí thư cấp ủy cơ sở"' in page  # kept
    for form, reason in ((collective_form(code=collective), f"đã có tập thể mã “{collective}”"),
                         (collective_form(founded_on="31/02/2020"), "Ngày thành lập không hợp lệ"),
                         (collective_form(leads_unit_id=str(other_unit)), "Lãnh đạo đơn vị: chọn")):
        response = client.post(f"{PAGE}/collectives", data=form)
        assert response.status_code == 422 and reason in response.get_data(as_text=True)
    assert audit_log("leader_post_added") == audit_log("collective_added") == []
    assert query.one(LeaderPost, lambda row: row.id, code="BD.P01.LD.PBT") is None


def test_ending_takes_it_off_the_open_cycle_only(client, auth, app, admin, query, demo, audit_log):
    post, post_id, holder = first_rated_in(query, LeaderPost)
    response = client.post(f"{PAGE}/posts/{post}/end", headers=HX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã bỏ chức vụ" in page and 'colspan="4"' in page
    assert query.one(LeaderPost, lambda row: row.id, code=post) is None
    [(_, target, detail)] = audit_log("leader_post_ended")
    assert target == post_id and holder in detail["before"]
    assert roster_changed_at(query) is not None
    auth.logout()
    auth.login_as("staff", UNIT)
    assert post not in codes_in(download(client), SubjectKind.LEADER)


def test_a_collective_a_post_heads_is_not_ended(client, admin, query, audit_log):
    def headed():
        post = db.session.execute(db.select(LeaderPost).join(Collective, LeaderPost.heads_collective_id == Collective.id)
                                  .join(Unit, Collective.rated_in_id == Unit.id).filter(Unit.code == UNIT)).scalars().first()
        return post.heads_collective.code, post.title
    collective, title = query(headed)
    response = client.post(f"{PAGE}/collectives/{collective}/end", headers=HX)
    assert response.status_code == 409 and f"Chức vụ “{title}”" in response.get_data(as_text=True)
    assert query.one(Collective, lambda row: row.code, code=collective) == collective
    assert audit_log("collective_ended") == []


def test_an_ended_collective_stays_in_the_years_before(client, admin, query, app):
    """Each cycle has its own rows: ending one in the open cycle leaves a closed cycle's copy alone."""
    from kdweb.models import Cycle

    def unheaded():
        headed = db.select(LeaderPost.heads_collective_id).where(LeaderPost.heads_collective_id.is_not(None))
        row = db.session.execute(db.select(Collective).join(Unit, Collective.rated_in_id == Unit.id)
                                 .filter(Unit.code == UNIT, Collective.id.not_in(headed))).scalars().first()
        now = db.session.get(Cycle, row.cycle_id)
        earlier = Cycle(year=2025, rule_set_id=now.rule_set_id, review_date=now.review_date.replace(year=2025),
                        grassroots_deadline=now.grassroots_deadline.replace(year=2025),
                        district_deadline=now.district_deadline.replace(year=2025), is_open=False)
        db.session.add(earlier)
        db.session.flush()
        db.session.add(Collective(cycle_id=earlier.id, code=row.code, name=row.name,
                                  collective_type=row.collective_type, rated_in_id=row.rated_in_id))
        db.session.commit()
        return row.code
    code = query(unheaded)
    assert client.post(f"{PAGE}/collectives/{code}/end").status_code == 303
    years = query(lambda: db.session.execute(db.select(Cycle.year).join(Collective, Collective.cycle_id == Cycle.id)
                                             .filter(Collective.code == code)).scalars().all())
    assert years == [2025]


# --- the holders' roster post text ("Chức vụ", Person.post) follows the leader posts --------------------------------

def post_text_of(query, member_code):
    return query.one(Person, lambda row: row.post, code=member_code)


def set_post_text(query, member_code, text):
    def store():
        db.session.execute(db.update(Person).where(Person.code == member_code).values(post=text))
        db.session.commit()
    query(store)


def member_post_written(data, member_code):
    sheet, cell = cell_of(data, SubjectKind.MEMBER, member_code, "post")
    return load_workbook(io.BytesIO(data))[sheet][cell].value


def exported_post_texts(client):
    """Member code → "Chức vụ" in the roster the admin exports."""
    job_page = client.post("/admin/roster/export")
    data = client.get(job_page.headers["Location"] + "/file").data
    rows = load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)
    headers = next(rows)
    code, post = headers.index("Mã đảng viên"), headers.index("Chức vụ")
    return {row[code]: row[post] if post < len(row) else None for row in rows}


def browsed_row(client, member_code):
    """The roster browse's row of the member, as text."""
    import re

    page = client.get(f"/admin/roster/members?q={member_code}").get_data(as_text=True)
    [row] = [row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if member_code in row]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_a_post_given_to_another_member_moves_in_both_members_post_texts(
        client, auth, app, admin, query, demo, audit_log):
    post, _, _ = first_rated_in(query, LeaderPost)
    title = query.one(LeaderPost, lambda row: row.title, code=post)
    former, member = holder_of(query, post), plain_member(demo)
    set_post_text(query, former, f"Chủ tịch HĐND phường; {title}")
    set_post_text(query, member.code, "Tổ trưởng tổ dân phố số 3")
    assert give(client, post, member.code).status_code == 303

    assert post_text_of(query, member.code) == f"{title}; Tổ trưởng tổ dân phố số 3"
    assert post_text_of(query, former) == "Chủ tịch HĐND phường"
    [(_, _, detail)] = audit_log("leader_post_holder_changed")
    assert detail["holder_post"] == ["Tổ trưởng tổ dân phố số 3", f"{title}; Tổ trưởng tổ dân phố số 3"]
    assert detail["former_holder_post"] == [f"Chủ tịch HĐND phường; {title}", "Chủ tịch HĐND phường"]
    assert title in browsed_row(client, member.code) and title not in browsed_row(client, former)
    exported = exported_post_texts(client)
    assert exported[member.code] == f"{title}; Tổ trưởng tổ dân phố số 3"
    assert exported[former] == "Chủ tịch HĐND phường"
    auth.logout()
    auth.login_as("staff", UNIT)
    data = download(client)
    assert member_post_written(data, member.code) == f"{title}; Tổ trưởng tổ dân phố số 3"
    assert member_post_written(data, former) == "Chủ tịch HĐND phường"
    assert written(data, SubjectKind.LEADER, post) == member.full_name


def test_a_post_given_to_a_member_of_another_organisation_marks_both_rosters_changed(client, admin, query, demo):
    post, _, _ = first_rated_in(query, LeaderPost, unit="BD")
    former, member = holder_of(query, post), plain_member(demo, "BD.P02")
    former_unit = query(lambda: db.session.execute(db.select(Unit.code).join(Person, Person.grassroots_id == Unit.id)
                                                   .where(Person.code == former)).scalar_one())
    assert give(client, post, member.code, unit="BD").status_code == 303
    assert roster_changed_at(query, "BD.P02") is not None and roster_changed_at(query, former_unit) is not None


def test_a_holder_whose_text_does_not_name_the_post_keeps_it(client, admin, query, demo, audit_log):
    """A text that names the post only inside a longer one ("Phó …") is another post: left as it was."""
    post, _, _ = first_rated_in(query, LeaderPost)
    title = query.one(LeaderPost, lambda row: row.title, code=post)
    former, member = holder_of(query, post), plain_member(demo)
    set_post_text(query, former, f"Phó {title}")
    set_post_text(query, member.code, title.upper())
    assert give(client, post, member.code).status_code == 303
    assert post_text_of(query, former) == f"Phó {title}" and post_text_of(query, member.code) == title.upper()
    [(_, _, detail)] = audit_log("leader_post_holder_changed")
    assert "holder_post" not in detail and "former_holder_post" not in detail


def test_a_post_added_or_ended_is_added_to_or_taken_from_its_holders_post_text(client, admin, query, demo, audit_log):
    member = plain_member(demo)
    set_post_text(query, member.code, None)
    assert client.post(f"{PAGE}/posts", data=post_form(member_code=member.code)).status_code == 303
    assert post_text_of(query, member.code) == "Phó Bí thư Đảng ủy phường Cống Vị"
    [(_, _, added)] = audit_log("leader_post_added")
    assert added["holder_post"] == [None, "Phó Bí thư Đảng ủy phường Cống Vị"]

    assert client.post(f"{PAGE}/posts/BD.P01.LD.PBT/end").status_code == 303
    assert post_text_of(query, member.code) is None
    [(_, _, ended)] = audit_log("leader_post_ended")
    assert ended["former_holder_post"] == ["Phó Bí thư Đảng ủy phường Cống Vị", None]


def test_a_roster_file_made_before_a_post_changed_hands_is_imported_with_a_warning_on_both_rows(
        client, admin, query, demo):
    """The roster exported before the leadership page gave the post to another member says the old holder's text:
    importing it warns on both rows, where the text leaves out a post held or names another's; the rows import."""
    from tests.admin.test_roster_import import counts, upload

    post, _, _ = first_rated_in(query, LeaderPost)
    title = query.one(LeaderPost, lambda row: row.title, code=post)
    former, member = holder_of(query, post), plain_member(demo)
    set_post_text(query, former, title)
    set_post_text(query, member.code, "Tổ trưởng")
    job_page = client.post("/admin/roster/export")
    before = client.get(job_page.headers["Location"] + "/file").data
    assert give(client, post, member.code).status_code == 303

    import_id = upload(client, "danh-sach-cu.xlsx", before)
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert counts(page)[1] == 2 and 'id="row-post-warnings"' in page and 'data-warnings="2"' in page
    assert f"{member.full_name} đang giữ chức vụ “{title}” nhưng tệp ghi chức vụ “Tổ trưởng”" in page
    assert f"giữ chức vụ “{title}”, nhưng người giữ chức vụ này hiện là đảng viên mã {member.code}" in page


def test_a_roster_file_that_agrees_with_the_leader_posts_is_not_warned(client, admin, query, demo):
    from tests.admin.test_roster_import import upload

    post, _, _ = first_rated_in(query, LeaderPost)
    member = plain_member(demo)
    assert give(client, post, member.code).status_code == 303
    job_page = client.post("/admin/roster/export")
    now = client.get(job_page.headers["Location"] + "/file").data
    set_post_text(query, member.code, "Tổ trưởng")  # the file changes it back to what the page wrote
    page = client.get(f"/admin/roster/imports/{upload(client, 'danh-sach.xlsx', now)}").get_data(as_text=True)
    assert 'id="row-post-warnings"' not in page and "data-warnings" not in page
