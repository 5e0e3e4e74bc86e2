"""The roster against the workbook: a workbook issued before an admin changed a subject's roster facts (a name, a
birth date, an admission date, a chi bộ's name) is checked with the facts as they stand, and the unit is told what
changed; under both rule sets, through the admin's pages and the unit's download → fill → upload."""
from datetime import date

import pytest

from kdweb.extensions import db
from kdweb.models import Rating, Unit, Upload
from kdweb.rules import SubjectKind
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.unit_page.test_roster_of_record import import_roster_rows, plain_member
from tests.workbooks import clean_values, fill, roster

RULE_SETS = ("qd132-hd21", "qd366-hd43")
CHI_BO = "BD.P01.C01"


def values_for(rule_set_id, batch):
    return scored_values(batch) if rule_set_id == "qd366-hd43" else clean_values(batch, rule_set_id)


def change_member(client, auth, person, **changes):
    facts = {"full_name": person.full_name, "birth_date": person.birth_date, "admitted_on": person.admitted_on,
             **changes}
    import_roster_rows(client, auth, [[1, person.code, facts["full_name"], facts["birth_date"], person.gender,
                                       person.cell_code, facts["admitted_on"], "Có" if person.probationary else "",
                                       person.post]])


def rename_chi_bo(client, auth, app, name):
    auth.login_as("admin")
    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=CHI_BO)).scalar_one()
        form = {"name": name, "kind": unit.kind, "level": unit.level, "group": unit.group or "",
                "parent_id": str(unit.parent_id), "sort_order": str(unit.sort_order or 0),
                **({"reports": "1"} if unit.reports else {})}
        db.session.remove()
    assert client.post(f"/admin/units/{CHI_BO}", data=form).status_code == 303
    auth.logout()


def newest(app):
    with app.app_context():
        found = db.session.execute(db.select(Upload).order_by(Upload.id.desc())).scalars().first()
        findings = [(f.rule, f.severity, f.subject_code, f.message) for f in found.findings]
        names = dict(db.session.execute(db.select(Rating.subject_code, Rating.subject_name)
                                        .filter_by(upload_id=found.id)).all())
        db.session.remove()
    return findings, names


CHANGES = {  # what the admin changes → (kind, the code changed, the new value as the unit is told it)
    "name": lambda ctx: (SubjectKind.MEMBER, ctx.person.code, "Nguyễn Văn Đổi Tên",
                         change_member(ctx.client, ctx.auth, ctx.person, full_name="Nguyễn Văn Đổi Tên")),
    "birth date": lambda ctx: (SubjectKind.MEMBER, ctx.person.code, "02/09/1975",
                               change_member(ctx.client, ctx.auth, ctx.person, birth_date="02/09/1975")),
    "admission into the last six months": lambda ctx: (
        SubjectKind.MEMBER, ctx.person.code, ctx.recent,
        change_member(ctx.client, ctx.auth, ctx.person, admitted_on=ctx.recent)),
    "chi bộ renamed": lambda ctx: (SubjectKind.ORGANISATION, CHI_BO, "Chi bộ Khu dân cư số 1 (đã đổi tên)",
                                   rename_chi_bo(ctx.client, ctx.auth, ctx.app, "Chi bộ Khu dân cư số 1 (đã đổi tên)")),
}


class Context:
    def __init__(self, client, auth, app, person, recent):
        self.client, self.auth, self.app, self.person, self.recent = client, auth, app, person, recent


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_workbook_issued_before_a_roster_fact_changed_is_checked_with_the_fact_as_it_stands(
        client, auth, app, demo, rule_set_id, change):
    if rule_set_id == "qd366-hd43":
        switch_to_366(client, auth, app)
    auth.login_as("staff", UNIT)
    batch = roster(app, UNIT)
    old = client.get(f"/units/{UNIT}/workbook.xlsx").data
    auth.logout()
    review = batch.review_date
    recent = date(review.year, review.month - 2, 1).strftime("%d/%m/%Y")
    kind, code, now_reads, _ = CHANGES[change](Context(client, auth, app, plain_member(demo), recent))

    auth.login_as("staff", UNIT)
    upload(client, fill(old, values_for(rule_set_id, batch), rule_set_id))
    findings, names = newest(app)
    told = [message for rule, severity, subject, message in findings
            if rule == "X-ROSTER" and severity == "warning" and subject == code]
    assert len(told) == 1 and f"→ “{now_reads}”" in told[0], findings[:3]
    assert [subject for rule, _, subject, _ in findings if rule == "X-ROSTER"] == [code]  # nobody else
    if change == "admission into the last six months":  # rated as if admitted years ago, were the facts the signed
        assert ("M-NEW", "error", code) in {(rule, severity, subject) for rule, severity, subject, _ in findings}
    if kind is SubjectKind.MEMBER and change == "name":
        assert names[code] == now_reads  # the report and the checks across units see the name as it stands

    fresh = client.get(f"/units/{UNIT}/workbook.xlsx?carry=1").data  # the same values, in the fresh workbook
    upload(client, fill(fresh, values_for(rule_set_id, batch), rule_set_id))
    fresh_findings, _ = newest(app)
    assert "X-ROSTER" not in {rule for rule, *_ in fresh_findings}
    assert {(rule, subject) for rule, _, subject, _ in fresh_findings} == \
        {(rule, subject) for rule, _, subject, _ in findings if rule != "X-ROSTER"}
