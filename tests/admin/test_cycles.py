"""Yearly cycles: create with rule set and deadlines, open and close, one open at a time; opening a new year
copies the roster and gives every active reporting unit its row."""
from datetime import date

import pytest

from kdweb.extensions import db
from kdweb.models import Collective, Cycle, LeaderPost, Person, Unit, UnitCycle


def cycle(query, year):
    return query.one(Cycle, lambda found: {
        "rule_set_id": found.rule_set_id, "review_date": found.review_date, "is_open": found.is_open,
        "grassroots_deadline": found.grassroots_deadline, "district_deadline": found.district_deadline,
        "opened": found.opened_at is not None, "closed": found.closed_at is not None, "id": found.id}, year=year)


def count(query, model, year, **filters):
    return query(lambda: db.session.scalar(
        db.select(db.func.count(model.id)).join(Cycle, model.cycle_id == Cycle.id).where(Cycle.year == year)
        .filter_by(**filters)))


def test_the_list_shows_the_open_cycle_with_vietnamese_dates(client, admin):
    page = client.get("/admin/cycles").get_data(as_text=True)
    assert "<strong>2026</strong>" in page and "Đang mở" in page
    assert "01/12/2026" in page and "15/12/2026" in page and "31/12/2026" in page
    assert 'name="year" type="number" min="2000" max="2100" value="2027"' in page  # the next year is proposed
    assert "qd132-hd21" in page


@pytest.mark.parametrize("year, expected", [(2017, "qd132-hd21"), (2018, "qd132-hd21"), (2024, "qd132-hd21"),
                                            (2025, "qd366-hd43"), (2031, "qd366-hd43")])
def test_a_year_is_reviewed_under_the_newest_rule_set_in_force(year, expected):
    from kdweb.rules.registry import rule_set_for_year
    assert rule_set_for_year(year) == expected


def test_the_form_for_a_new_cycle_offers_the_rule_set_in_force_that_year(client, admin):
    page = client.get("/admin/cycles").get_data(as_text=True)  # the demo's cycle is 2026's: 2027 is proposed
    assert '<option value="qd366-hd43" selected>' in page
    assert '<option value="qd132-hd21" selected>' not in page and '<option value="qd132-hd21">' in page


def test_create_with_default_deadlines(client, admin, query, audit_log):
    response = client.post("/admin/cycles", data={"year": "2027", "rule_set_id": "qd132-hd21"})
    assert response.status_code == 303
    created = cycle(query, 2027)
    assert created["review_date"] == date(2027, 12, 1)
    assert created["grassroots_deadline"] == date(2027, 12, 15)
    assert created["district_deadline"] == date(2027, 12, 31)
    assert created["rule_set_id"] == "qd132-hd21" and created["is_open"] is False
    [(who, target, detail)] = audit_log("cycle_created")
    assert who == "admin" and target == created["id"]
    assert detail == {"year": 2027, "rule_set_id": "qd132-hd21", "review_date": "01/12/2027",
                      "grassroots_deadline": "15/12/2027", "district_deadline": "31/12/2027"}


def test_create_with_dates_written_either_way(client, admin, query):
    client.post("/admin/cycles", data={"year": "2027", "rule_set_id": "qd132-hd21", "review_date": "25/11/2027",
                                       "grassroots_deadline": "2027-12-10", "district_deadline": "28/12/2027"})
    created = cycle(query, 2027)
    assert (created["review_date"], created["grassroots_deadline"], created["district_deadline"]) == (
        date(2027, 11, 25), date(2027, 12, 10), date(2027, 12, 28))


@pytest.mark.parametrize("values, message", [
    ({"year": "2026"}, "Đã có đợt kiểm điểm năm 2026"),
    ({"year": "hai nghìn"}, "Năm phải là số"),
    ({"year": "1999"}, "2000–2100"),
    ({"rule_set_id": "khong-co"}, "Chọn bộ quy tắc"),
    ({"grassroots_deadline": "32/12/2027"}, "Hạn nộp cấp cơ sở: ghi ngày"),
    ({"grassroots_deadline": "20/12/2027", "district_deadline": "18/12/2027"}, "không được sau hạn nộp cấp quận"),
])
def test_create_refusals(client, admin, query, audit_log, values, message):
    form = {"year": "2027", "rule_set_id": "qd132-hd21", **values}
    response = client.post("/admin/cycles", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert cycle(query, 2027) is None
    assert audit_log("cycle_created") == []


def test_edit_deadlines(client, admin, query, audit_log):
    form = {"rule_set_id": "qd132-hd21", "review_date": "01/12/2026", "grassroots_deadline": "18/12/2026",
            "district_deadline": "31/12/2026"}
    assert client.post("/admin/cycles/2026", data=form).status_code == 303
    assert cycle(query, 2026)["grassroots_deadline"] == date(2026, 12, 18)
    [(_, _, detail)] = audit_log("cycle_updated")
    assert detail["changes"] == {"grassroots_deadline": ["15/12/2026", "18/12/2026"]}
    assert 'value="18/12/2026"' in client.get("/admin/cycles/2026").get_data(as_text=True)


def test_only_one_cycle_is_open_at_a_time(client, admin, query, audit_log):
    client.post("/admin/cycles", data={"year": "2027", "rule_set_id": "qd132-hd21"})
    response = client.post("/admin/cycles/2027/open", follow_redirects=True)
    assert "Đợt năm 2026 đang mở" in response.get_data(as_text=True)
    assert cycle(query, 2027)["is_open"] is False
    assert audit_log("cycle_opened") == []


def test_close(client, admin, query, audit_log):
    assert client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"}).status_code == 303
    closed = cycle(query, 2026)
    assert closed["is_open"] is False and closed["closed"] is True
    [(who, target, detail)] = audit_log("cycle_closed")
    assert who == "admin" and target == closed["id"] and detail == {"year": 2026}
    assert "Chưa có đợt kiểm điểm nào đang mở" in client.get("/admin/roster").get_data(as_text=True)


def test_opening_a_new_year_copies_the_roster_and_the_reporting_units(client, admin, query, audit_log, demo):
    def set_up():
        db.session.execute(db.update(Unit).where(Unit.code == "BD.DN01").values(active=False))
        db.session.execute(db.update(Person).where(Person.code == demo.persons[0].code)
                           .values(discipline_form="CANH_CAO", exempt=True))
        db.session.commit()
    query(set_up)
    client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"})
    client.post("/admin/cycles", data={"year": "2027", "rule_set_id": "qd132-hd21"})
    response = client.post("/admin/cycles/2027/open", follow_redirects=True)
    assert f"Đã chép danh sách năm 2026: {len(demo.persons)} đảng viên" in response.get_data(as_text=True)

    assert cycle(query, 2027)["is_open"] is True and cycle(query, 2026)["is_open"] is False
    assert count(query, Person, 2027) == count(query, Person, 2026) == len(demo.persons)
    assert count(query, Collective, 2027) == len(demo.collectives) > 0
    assert count(query, LeaderPost, 2027) == len(demo.leaders) > 0

    def leaders_point_into_their_own_year():
        rows = db.session.execute(
            db.select(LeaderPost.cycle_id, Person.cycle_id, Collective.cycle_id)
            .join(Person, LeaderPost.person_id == Person.id)
            .outerjoin(Collective, LeaderPost.heads_collective_id == Collective.id)).all()
        return all(post == person and collective in (None, post) for post, person, collective in rows)
    assert query(leaders_point_into_their_own_year)

    def first_member_2027():
        person = db.session.execute(db.select(Person).join(Cycle).where(
            Cycle.year == 2027, Person.code == demo.persons[0].code)).scalar_one()
        return person.exempt, person.discipline_form, person.full_name
    assert first_member_2027() == (True, None, demo.persons[0].full_name)  # a discipline belongs to its year

    expected = {unit.code for unit in demo.reporting_units} - {"BD.DN01"}
    rows = query(lambda: set(db.session.execute(
        db.select(Unit.code).join(UnitCycle, UnitCycle.unit_id == Unit.id).join(Cycle, UnitCycle.cycle_id == Cycle.id)
        .where(Cycle.year == 2027)).scalars()))
    assert rows == expected

    [(who, target, detail)] = audit_log("cycle_opened")
    assert who == "admin" and target == cycle(query, 2027)["id"]
    assert detail == {"year": 2027, "first_time": True, "copied_from": 2026, "members": len(demo.persons),
                      "collectives": len(demo.collectives), "leader_posts": len(demo.leaders),
                      "unit_rows": len(expected)}


def test_reopening_a_year_does_not_copy_again(client, admin, query, audit_log, demo):
    client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"})
    client.post("/admin/cycles", data={"year": "2027", "rule_set_id": "qd132-hd21"})
    client.post("/admin/cycles/2027/open")
    client.post("/admin/cycles/2027/close", data={"confirm_year": "2027"})
    client.post("/admin/cycles/2027/open")
    assert count(query, Person, 2027) == len(demo.persons)
    assert [detail["first_time"] for _, _, detail in audit_log("cycle_opened")] == [True, False]
    assert audit_log("cycle_opened")[1][2]["members"] == 0
    assert cycle(query, 2027)["is_open"] is True and cycle(query, 2027)["closed"] is False


def test_the_first_year_opens_without_a_roster_to_copy(client, admin, query, audit_log):
    client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"})
    client.post("/admin/cycles", data={"year": "2020", "rule_set_id": "qd132-hd21"})
    client.post("/admin/cycles/2020/open")
    assert count(query, Person, 2020) == 0
    assert audit_log("cycle_opened")[0][2]["copied_from"] is None
