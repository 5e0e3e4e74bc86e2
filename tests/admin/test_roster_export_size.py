"""Issue 20 point 8: the roster export of a whole district takes seconds, not ten minutes (it was 608 s for
15,694 members: quadratic). The figure is measured by bench/bench_roster_export.py; this bound is generous,
and counts this process's CPU time so a busy machine does not make it flaky."""
import io
import time

import pytest
from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import Cycle, Person

pytestmark = pytest.mark.slow  # the full demo district
GENEROUS_SECONDS = 10.0


def test_the_full_demo_roster_exports_in_seconds(app):
    from kdweb.demo.generate import generate
    from kdweb.demo.load import load
    from kdweb.services.admin.roster_template import ROSTER_SHEET, roster_export

    with app.app_context():
        load(generate("full"))
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        members = db.session.scalar(db.select(db.func.count(Person.id)).filter_by(cycle_id=cycle.id))
        start = time.process_time()  # this process's CPU: the eight engineers' machine is shared
        data = roster_export(cycle)
        seconds = time.process_time() - start
        db.session.remove()
    assert members > 15_000
    sheet = load_workbook(io.BytesIO(data), read_only=True)[ROSTER_SHEET]
    assert sum(1 for row in sheet.iter_rows(min_row=2, max_col=1, values_only=True) if row[0]) == members
    assert seconds < GENEROUS_SECONDS, f"roster export took {seconds:.1f} CPU s for {members} members"
