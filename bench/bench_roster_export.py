"""How long "Tải danh sách hiện tại" (the admin's roster export) takes for the full demo district.

It was 608 s for 15,694 members: every appended row asked openpyxl for `sheet.max_row`, which walks every
cell written so far. This loads the full demo district into a throw-away SQLite database and times
`roster_export` (the query, the rows and the .xlsx), median of a few runs, against the old row writer for a
slice of the roster to show the curve.

    .venv/bin/python bench/bench_roster_export.py [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_database, machine, print_table, seed_district  # noqa: E402

from kdweb.extensions import db  # noqa: E402
from kdweb.models import Cycle, Person  # noqa: E402
from kdweb.services.admin.roster_template import roster_export  # noqa: E402

TARGET = 10.0  # seconds; the test's bound


def old_append_row(sheet, values) -> None:
    """The row writer before the fix, for comparison."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        pass


def time_old_writer(rows: int) -> float:
    from openpyxl import Workbook

    sheet = Workbook().active
    start = time.perf_counter()
    for number in range(rows):
        old_append_row(sheet, [f"BD{number:06d}", "Nguyễn Văn A", None, "Nam", "BD.P01.C01", None, None, None, None,
                               None, None, None, None, None, None, None])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    with fresh_database("sqlite", "roster") as url:
        app, _district = seed_district(url, "full", results=False)
        with app.app_context():
            cycle = db.session.execute(db.select(Cycle)).scalar_one()
            members = db.session.scalar(db.select(db.func.count(Person.id)).filter_by(cycle_id=cycle.id))
            times, cpu, size = [], [], 0
            for _ in range(args.runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                size = len(roster_export(cycle))
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
    old = {rows: time_old_writer(rows) for rows in (500, 1_000, 2_000)}
    print_table(["what", "members/rows", "seconds", "target"], [
        ["roster_export (median)", f"{members:,}", f"{statistics.median(times):.2f}", f"< {TARGET:.0f}"],
        ["roster_export (best)", f"{members:,}", f"{min(times):.2f}", ""],
        ["roster_export, CPU of this process (median)", f"{members:,}", f"{statistics.median(cpu):.2f}", ""],
        *[["old append_row, rows only", f"{rows:,}", f"{seconds:.2f}", "(quadratic)"] for rows, seconds in old.items()],
    ])
    print(f"file: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
