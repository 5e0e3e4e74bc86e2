"""The district checks decide on the full records read from each unit's workbook (stored per rating), through the
real upload path: O-HTXSNV for a tổ chức cơ sở đảng whose chi bộ are rated in its own workbook, X-HEAD with the
moved-in exception, X-DISCIPLINE-ORIGIN across workbooks."""
import pytest

from kdweb.extensions import db
from kdweb.models import Cycle, Unit
from kdweb.rules import SubjectKind, get_rule_set
from kdweb.services.district_checks import district_findings
from tests.workbooks import roster

ORG, COLLECTIVE, LEADER, MEMBER = (SubjectKind.ORGANISATION, SubjectKind.COLLECTIVE, SubjectKind.LEADER,
                                    SubjectKind.MEMBER)
RULES = get_rule_set()


def graded(values, grade):
    return {**values, **{key: grade for key in values if key.startswith("grade:")}}


def excellent_org(values):
    values = dict(values, level="Hoàn thành xuất sắc nhiệm vụ")
    for criterion in RULES.criteria_of(ORG):
        values[criterion.field] = "Xuất sắc" if criterion.task else "Tốt"
    return values


def modest(values):
    return graded(dict(values, level="Hoàn thành nhiệm vụ"), "Trung bình")


def findings_now(app):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        findings, _names, count = district_findings(cycle)
        db.session.remove()
    return findings, count


def test_district_checks_see_the_full_records_of_every_workbook(app, client, auth, submit_unit, demo):
    member = next(p for p in demo.persons if p.grassroots_code == "BD.P02" and not (
        p.exempt or p.suspended or p.temporary_cell_code or p.discipline_form or p.is_civil_servant
        or p.transferred_in_on) and p.admitted_on and p.admitted_on.year < 2026)

    def district(kind, code, values):
        if values is None or values.get("level", "").startswith("Không xếp"):
            return values
        if kind is ORG and code == "BD.P01":
            return excellent_org(values)
        if kind is LEADER and code == "LD00006":  # heads BD.P01 and its party committee; moved in this year
            return dict(values, moved_in_no_responsibility="Có")
        return values

    def ward_one(kind, code, values):
        if values is None or values.get("level", "").startswith("Không xếp"):
            return values
        if kind is ORG and code in ("BD.P01.C01", "BD.P01.C02"):
            return modest(values)  # 3 of the 5 chi bộ HTTNV or better: 60 %, 80 % needed
        if (kind is COLLECTIVE and code == "BD.P01.TT024") or (kind is LEADER and code in ("LD00001", "LD00002")):
            return modest(values)  # …and their heads with them
        return values

    def ward_two(kind, code, values):
        if values is None:
            return values
        if kind is MEMBER and code == member.code:  # disciplined here for what he did at BD.P01
            return dict(values, level="Không hoàn thành nhiệm vụ", disciplined_in_year="Có", discipline="Khiển trách",
                        discipline_origin_elsewhere="Có", discipline_origin_unit="BD.P01")
        if kind is COLLECTIVE and code == "BD.P02.TT031":
            return modest(values)
        return values

    submit_unit("BD", district)
    submit_unit("BD.P01", ward_one)
    submit_unit("BD.P02", ward_two)
    findings, count = findings_now(app)
    assert count == 3
    by_rule = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)

    htxsnv = [f for f in by_rule.get("O-HTXSNV", []) if f.subject_code == "BD.P01"]
    assert len(htxsnv) == 1 and "3/5" in htxsnv[0].message and "tổ chức đảng trực thuộc" in htxsnv[0].message
    assert htxsnv[0].unit_code == "BD"

    heads = {f.subject_code for f in by_rule.get("X-HEAD", [])}
    assert "LD00014" in heads  # heads BD.P02's committee rated HTNV in BD.P02's workbook, rated HTTNV in BD's
    assert "LD00006" not in heads  # the same case, but moved in during the year: the exception holds

    origin = by_rule.get("X-DISCIPLINE-ORIGIN", [])
    assert [(f.subject_code, f.unit_code) for f in origin] == [("BD.P01", "BD")]
    assert member.full_name in origin[0].message

    auth.login_as("reviewer")
    page = client.get("/review/checks").get_data(as_text=True)
    assert "O-HTXSNV" in page and "X-DISCIPLINE-ORIGIN" in page and "X-HEAD" in page


@pytest.mark.parametrize("modest_cells, flagged", [(3, True), (2, False)])
def test_o_htxsnv_for_a_dang_bo_co_so_whose_chi_bo_are_in_its_own_workbook(app, submit_unit, demo, modest_cells,
                                                                           flagged):
    """BD.P01, with ten chi bộ, is rated HTXSNV in the district's workbook; its chi bộ are rated in its own: 7 of 10
    HTTNV or better (70 %) is refused, 8 of 10 (80 %) passes."""
    with app.app_context():
        ward = db.session.execute(db.select(Unit).filter_by(code="BD.P01")).scalar_one()
        db.session.add_all([Unit(code=f"BD.P01.M{n}", name=f"Chi bộ Khu mới số {n}", kind="cell", level="grassroots",
                                 parent_id=ward.id, sort_order=100 + n) for n in range(1, 6)])
        db.session.commit()
        cells = db.session.execute(db.select(Unit.code).filter_by(parent_id=ward.id, kind="cell", active=True)
                                   .order_by(Unit.sort_order)).scalars().all()
        db.session.remove()
    assert len(cells) == 10
    modest_codes = set(cells[:modest_cells])
    modest_heads = {leader.code for leader in roster(app, "BD.P01").leaders if modest_codes & set(leader.heads)}

    def district(kind, code, values):
        if kind is ORG and code == "BD.P01" and values and not values.get("level", "").startswith("Không xếp"):
            return excellent_org(values)
        return values

    def ward_one(kind, code, values):
        if values is None or values.get("level", "").startswith("Không xếp"):
            return values
        if kind is ORG and code in modest_codes:
            return modest(values)
        if kind is ORG and code.startswith("BD.P01.M"):
            return graded(dict(values, level="Hoàn thành tốt nhiệm vụ"), "Tốt")
        if kind is LEADER and code in modest_heads:
            return modest(values)  # the heads of the modest chi bộ follow them (L-HEAD)
        if kind is COLLECTIVE and code == "BD.P01.TT024":
            return modest(values)
        return values

    submit_unit("BD", district)
    submit_unit("BD.P01", ward_one)
    findings, count = findings_now(app)
    assert count == 2
    found = [f for f in findings if f.rule == "O-HTXSNV" and f.subject_code == "BD.P01"]
    if flagged:
        assert len(found) == 1 and "7/10" in found[0].message and found[0].unit_code == "BD"
    else:
        assert found == []
