"""Units that change (the 2025 reorganisation): valid from/to and a successor, set on the unit form; a cycle
expects reports only from units valid at its review date."""
from datetime import date

from kdweb.extensions import db
from kdweb.models import Cycle, Unit, UnitCycle
from tests.admin.test_units import get_unit, unit_form


def validity(query, code):
    def load():
        unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
        return unit.valid_from, unit.valid_to, unit.successor.code if unit.successor else None
    return query(load)


def edit(client, query, code, **values):
    current = get_unit(query, code)
    parent = query(lambda: db.session.execute(db.select(Unit.parent_id).filter_by(code=code)).scalar_one())
    form = unit_form(name=current["name"], kind=current["kind"], level=current["level"], group=current["group"] or "",
                     parent_id=parent or "", reports="1" if current["reports"] else None, **values)
    return client.post(f"/admin/units/{code}", data=form)


def test_a_merged_unit_names_its_successor_and_its_last_day(client, admin, query, audit_log):
    successor = query.id_of(Unit, code="BD.P02")
    response = edit(client, query, "BD.P01", valid_to="30/06/2025", successor_id=str(successor))
    assert response.status_code == 303
    assert validity(query, "BD.P01") == (None, date(2025, 6, 30), "BD.P02")
    [(_, _, detail)] = audit_log("unit_updated")
    assert detail["changes"]["successor"] == [None, "BD.P02"]
    page = client.get("/admin/units/BD.P01").get_data(as_text=True)
    assert 'value="30/06/2025"' in page


def test_validity_is_checked(client, admin, query):
    bad = edit(client, query, "BD.P01", valid_from="01/07/2025", valid_to="30/06/2025")
    assert bad.status_code == 422 and "không được trước" in bad.get_data(as_text=True)
    itself = edit(client, query, "BD.P01", successor_id=str(query.id_of(Unit, code="BD.P01")))
    assert itself.status_code == 422
    edit(client, query, "BD.P02", successor_id=str(query.id_of(Unit, code="BD.P01")))
    loop = edit(client, query, "BD.P01", successor_id=str(query.id_of(Unit, code="BD.P02")))
    assert loop.status_code == 422 and "kế thừa" in loop.get_data(as_text=True)


def test_a_new_cycle_expects_only_units_valid_at_its_review_date(client, admin, query):
    edit(client, query, "BD.P01", valid_to="30/06/2027", successor_id=str(query.id_of(Unit, code="BD.P02")))
    edit(client, query, "BD.TH01", valid_from="01/01/2028")
    client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"})
    client.post("/admin/cycles", data={"year": "2027", "rule_set_id": "qd366-hd43"})
    client.post("/admin/cycles/2027/open")
    expected = query(lambda: set(db.session.execute(
        db.select(Unit.code).join(UnitCycle, UnitCycle.unit_id == Unit.id).join(Cycle, UnitCycle.cycle_id == Cycle.id)
        .where(Cycle.year == 2027)).scalars()))
    assert "BD.P01" not in expected and "BD.TH01" not in expected and "BD.P02" in expected
    assert query(lambda: db.session.execute(db.select(Cycle.rule_set_id).filter_by(year=2027)).scalar_one()) \
        == "qd366-hd43"
