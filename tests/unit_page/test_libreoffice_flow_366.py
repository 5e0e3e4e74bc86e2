"""Issue 19: a qd366-hd43 workbook downloaded from the unit page, filled with openpyxl, saved again by
LibreOffice Calc and uploaded gives exactly the findings of the file before Calc (rule, severity, cell, subject,
field, message), through the web app and the stored findings, not only through the reader."""
import pytest

from kdweb.extensions import db
from kdweb.models import Finding, Unit, Upload
from kdweb.rules import Level, SubjectKind
from tests.excel.test_libreoffice import convert, profile  # noqa: F401 - the module's LibreOffice profile
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import RULE_SET, scored_values, switch_to_366
from tests.workbooks import fill, not_rated_reason

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def stored_findings(app):
    with app.app_context():
        upload_id = db.session.execute(db.select(Upload.id).join(Unit).filter(Unit.code == UNIT)
                                       .order_by(Upload.version.desc())).scalars().first()
        rows = db.session.execute(
            db.select(Finding.rule, Finding.severity, Finding.sheet, Finding.cell, Finding.subject_code,
                      Finding.field, Finding.message).filter_by(upload_id=upload_id).order_by(Finding.position)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_a_downloaded_366_workbook_saved_by_calc_gives_the_same_findings(client, auth, app, batch, profile):  # noqa: F811
    switch_to_366(client, auth, app)
    auth.login_as("staff", UNIT)
    data = client.get(f"/units/{UNIT}/workbook.xlsx").data
    rated = [m for m in batch.members if not_rated_reason(m, batch.review_date) is None
             and not m.is_civil_servant and not m.disciplined_in_year]
    without_exceeded, above_band, bad_sum = rated[0].code, rated[1].code, rated[2].code
    values = scored_values(batch)

    def with_problems(kind, code):
        row = values(kind, code)
        if kind is SubjectKind.MEMBER and code == without_exceeded:  # S-COND: 1 of 8 exceeded
            row = dict(row, level=Level.HTXSNV.text, score_common=29, score_tasks=65)
        elif kind is SubjectKind.MEMBER and code == above_band:  # S-BAND: 20 + 45.5 is HTNV's band
            row = dict(row, score_common=20, score_tasks=45.5)
        elif kind is SubjectKind.MEMBER and code == bad_sum:  # S-SUM: 31 is over the common maximum
            row = dict(row, score_common=31)
        return row

    filled = fill(data, with_problems, RULE_SET)
    upload(client, filled)
    before = stored_findings(app)
    upload(client, convert(filled, profile), filename="ket-qua-calc.xlsx")
    after = stored_findings(app)
    assert {"S-COND", "S-BAND", "S-SUM"} <= {finding[0] for finding in before}
    assert after == before
    with app.app_context():
        versions = db.session.execute(db.select(Upload.version, Upload.sha256).join(Unit)
                                      .filter(Unit.code == UNIT)).all()
        db.session.remove()
    assert len({sha for _, sha in versions}) == 2  # two different files were read, not one twice
