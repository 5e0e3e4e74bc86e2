"""One workbook against the district when a subject other than a member moves to another unit after the first unit
submitted: a chi bộ moved under another đảng bộ (the unit tree changed between one unit's submission and the other's
download) is rated in both workbooks. The district checks name it in both units, and the report, which adds the
units' rows as they were submitted, says which subject its total counts twice, as it already does for a member;
under both rule sets."""
import pytest

from kdweb.extensions import db
from kdweb.models import Cycle, Unit
from kdweb.services.district_checks import district_findings
from tests.reports.test_seam_district import RULE_SETS, report, submit
from tests.unit_page.test_flow_366 import switch_to_366

MOVED = "BD.P01.C03"


def move_chi_bo(client, auth, app, code, new_parent):
    """The admin moves a chi bộ under another đảng bộ on the unit form, as the district's tree changes."""
    auth.login_as("admin")
    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
        parent = db.session.execute(db.select(Unit.id).filter_by(code=new_parent)).scalar_one()
        form = {"name": unit.name, "kind": unit.kind, "level": unit.level, "group": unit.group or "",
                "parent_id": str(parent), "sort_order": str(unit.sort_order or 0),
                **({"reports": "1"} if unit.reports else {})}
        name = unit.name
        db.session.remove()
    assert client.post(f"/admin/units/{code}", data=form).status_code == 303
    auth.logout()
    return name


def kind_total(document, kind):
    return next(row for row in document["rows"] if row["kind"] == kind and row["row_type"] == "total")


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
def test_a_chi_bo_moved_to_another_dang_bo_after_the_first_submitted_is_named_where_the_report_counts_it_twice(
        client, auth, app, demo, rule_set_id):
    if rule_set_id == "qd366-hd43":
        switch_to_366(client, auth, app)
    first = submit(client, auth, app, "BD.P01", rule_set_id)
    name = move_chi_bo(client, auth, app, MOVED, "BD.P02")
    second = submit(client, auth, app, "BD.P02", rule_set_id)
    assert first["ORGANISATION"]["rated"] + second["ORGANISATION"]["rated"] == \
        kind_total(report(client, auth, app), "ORGANISATION")["rated"]  # the rows as submitted, added up

    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        findings, _, _ = district_findings(cycle)
        twice = [f for f in findings if f.rule == "X-MISSING" and f.subject_code == MOVED]
        db.session.remove()
    assert {f.unit_code for f in twice} == {"BD.P01", "BD.P02"}

    document = report(client, auth, app)
    notes = [note for note in document["notes"] if "tổ chức đảng" in note and "tính trùng" in note]
    assert len(notes) == 1, document["notes"]
    assert f"{name} (mã {MOVED})" in notes[0] and "chỉ tính trùng 1 tổ chức đảng" in notes[0]
    assert "BD.P01" in notes[0] and "BD.P02" in notes[0]
    member_note = next(note for note in document["notes"] if "sinh hoạt tạm thời" in note)
    assert "không tính trùng ai" not in member_note  # its members moved with it, and are said as members are


def test_each_kind_names_its_own_subjects_rated_twice_and_the_count_without_them():
    """The class: a collective, a leader post and organisations rated by two or three units, each in its own table;
    more than ten are counted rather than named; a kind with none has no such note."""
    from datetime import date

    from kdweb.reports import Counts, RatedTwice, ReportedUnit, UnitCounts, build_report

    units = [ReportedUnit(1, "BD", "Đảng bộ Quận", None, 1, "approved"),
             ReportedUnit(2, "BD.P01", "Phường A", "Đảng bộ phường", 2, "approved"),
             ReportedUnit(3, "BD.P02", "Phường C", "Đảng bộ phường", 3, "approved")]
    counts = [UnitCounts(unit, kind, None, Counts(roster=20, rated=20, httnv=20))
              for unit in (1, 2, 3) for kind in ("ORGANISATION", "COLLECTIVE", "LEADER")]
    both, three = ("Phường A (BD.P01)", "Phường C (BD.P02)"), ("Đảng bộ Quận (BD)", "Phường A (BD.P01)",
                                                             "Phường C (BD.P02)")
    twice = (RatedTwice("COLLECTIVE", "BD.P01.UB", "Ủy ban phường", both),
             RatedTwice("LEADER", "BD.P01.BT", "Bí thư", three),
             *(RatedTwice("ORGANISATION", f"BD.P01.C{n:02d}", f"Chi bộ số {n}", both) for n in range(1, 13)))
    report = build_report(2026, "approved", date(2026, 12, 7), units, counts, [], others_rated_twice=twice)
    [collective] = report.table("COLLECTIVE").notes
    assert "chỉ tính trùng 1 tập thể lãnh đạo, quản lý" in collective and "Ủy ban phường (mã BD.P01.UB) ở " \
        "Phường A (BD.P01), Phường C (BD.P02)" in collective and "thì có 59 tập thể" in collective
    [leader] = report.table("LEADER").notes
    assert "Bí thư (mã BD.P01.BT)" in leader and "thì có 58 cán bộ lãnh đạo, quản lý" in leader  # rated three times: two too many
    [organisations] = report.table("ORGANISATION").notes
    assert "chỉ tính trùng 12 tổ chức đảng" in organisations and "Chi bộ số 10 (mã BD.P01.C10)" in organisations
    assert "Chi bộ số 11" not in organisations and "và 2 tổ chức đảng khác" in organisations
    assert "thì có 48 tổ chức đảng" in organisations
    assert all(note in report.every_note for note in (collective, leader, organisations))
    plain = build_report(2026, "approved", date(2026, 12, 7), units, counts, [])
    assert plain.table("ORGANISATION").notes == () and plain.table("LEADER").notes == ()
