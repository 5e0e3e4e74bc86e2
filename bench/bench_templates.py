"""Workbooks out and in: one unit's pre-filled workbook, the whole district's as a zip, and the peak memory of
reading a ~10 MB upload.

    .venv/bin/python bench/bench_templates.py              # SQLite, full demo district
    .venv/bin/python bench/bench_templates.py --pg         # the same on a fresh PostgreSQL database

1. One unit: the demo unit whose roster is nearest 500 members, and the largest one. For each, the median of
   the roster query (kdweb.services.roster.roster_batch), of kdweb.excel.build_workbook alone, and of the whole
   download as its staff (GET /units/<code>/workbook.xlsx: roster, signed workbook, template recorded).
   Target: 150 ms for a 500-member unit.
2. The district: every reporting unit's workbook as one zip through the bulk job (kdweb.services.bulk, run
   inline), against a bare loop over build_workbook. Target: 10 s.
3. Memory: a ~10 MB filled workbook (many member rows, long remarks) read in a fresh process each by
   kdweb.excel.validate_upload, by bare calamine and by openpyxl read-only; peak RSS from
   resource.getrusage. Target: under 150 MB for validate_upload.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_SECRET, ROOT, fresh_database, machine, median_ms, print_table, seed_district  # noqa: E402

TARGET_UNIT_MS, TARGET_ZIP_S, TARGET_MEMORY_MB = 150, 10, 150
ONSETS = "b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x".split()
RIMES = ("a à á ả ã ạ ai ao an ang anh ăn ắc âm ấp e è é ê ế ệ i ì í o ò ó ô ồ ố ơ ờ ớ u ù ú ư ừ ứ uân uyên ương "
         "ước iêu yêu oan oàn").split()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL on 127.0.0.1:5432 instead of SQLite")
    parser.add_argument("--runs", type=int, default=9, help="per unit; the district zip runs a third as often")
    parser.add_argument("--big-rows", type=int, default=30_000, help="member rows of the ~10 MB workbook")
    parser.add_argument("--remarks", type=int, default=500, help="characters of remarks per member row")
    args = parser.parse_args()
    engine = "postgresql" if args.pg else "sqlite"
    print(f"templates · {machine()}")
    with fresh_database(engine, "templates") as url:
        app, district = seed_district(url, "full", results=False)
        units = unit_rows(app, district, args.runs)
        zips = zip_rows(app, max(3, args.runs // 3))
        big_roster = biggest_roster(app)
        with app.app_context():
            from kdweb.extensions import db
            db.session.remove()
            db.engine.dispose()
    memory = memory_rows(big_roster, args.big_rows, args.remarks)

    print()
    print(f"One unit's workbook · full demo · {engine} · median of {args.runs} runs, wall ms / CPU ms")
    print_table(["unit", "members", "rows", "file KB", "roster query", "build_workbook", "GET workbook.xlsx",
                 "CPU ms/member"], [row["cells"] for row in units])
    nearest = units[0]
    scaled = nearest["download_cpu"] / max(1, nearest["members"]) * 500
    print(f"target {TARGET_UNIT_MS} ms for a 500-member unit: {nearest['code']} ({nearest['members']} members) "
          f"{nearest['download']:.0f} ms wall, {nearest['download_cpu']:.0f} ms CPU; scaled to 500 members at its "
          f"CPU ms/member: {scaled:.0f} ms ({'met' if scaled < TARGET_UNIT_MS else 'MISSED'})")
    print()
    print(f"The whole district's workbooks as one zip · {engine} · median of {len(zips['bulk'])} runs")
    print_table(["how", "workbooks", "members", "zip MB", "median s", "min s", "max s", "median CPU s"],
                zips["cells"])
    wall, cpu = statistics.median(zips["bulk"]), statistics.median(zips["bulk_cpu"])
    print(f"target {TARGET_ZIP_S} s for the bulk job: {wall:.1f} s wall "
          f"({'met' if wall < TARGET_ZIP_S else 'MISSED'}), {cpu:.1f} s CPU ({'met' if cpu < TARGET_ZIP_S else 'MISSED'}); bulk job ÷ bare loop: "
          f"{wall / statistics.median(zips['loop']):.2f}× wall, {cpu / statistics.median(zips['loop_cpu']):.2f}× CPU")
    print()
    print(f"Peak memory reading a {memory['mb']:.1f} MB workbook ({memory['rows']:,} member rows, "
          f"{args.remarks}-character remarks), each reader in a fresh process")
    print_table(["reader", "peak RSS MB (ru_maxrss)", "VmHWM MB", "after imports MB", "read adds MB", "seconds",
                 "result"], memory["cells"])
    ours = memory["ours"]
    print(f"target validate_upload peak RSS < {TARGET_MEMORY_MB} MB: "
          f"{'met' if ours['ru_maxrss_kb'] / 1024 < TARGET_MEMORY_MB else 'MISSED'}")


# --- one unit ------------------------------------------------------------------------------------------------
def unit_rows(app, district, runs: int) -> list[dict]:
    from kdweb.excel import Roster, build_workbook
    from kdweb.extensions import db
    from kdweb.models import Cycle, Unit
    from kdweb.services.roster import roster_batch
    from kdweb.services.workbooks import cycle_info, unit_info

    rows = []
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        sizes = {}
        for unit in db.session.execute(db.select(Unit).filter_by(reports=True)).scalars():
            sizes[unit.code] = len(roster_batch(cycle, unit).members)
        nearest = min(sizes, key=lambda code: (abs(sizes[code] - 500), code))
        largest = max(sizes, key=lambda code: (sizes[code], code))
        for code in (nearest, largest):
            unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
            query_ms, query_cpu = median_ms(lambda: roster_batch(cycle, unit), runs)
            batch = roster_batch(cycle, unit)
            roster = Roster(members=batch.members, organisations=batch.organisations,
                            collectives=batch.collectives, leaders=batch.leaders)

            def build():
                return build_workbook(unit_info(unit), cycle_info(cycle), roster, template_version="2026.1",
                                      secret=BENCH_SECRET)
            build_ms, build_cpu = median_ms(build, runs)
            data = build()
            subjects = sum(len(roster.records_of(kind)) for kind in roster.kinds())
            rows.append({"code": code, "members": len(batch.members), "subjects": subjects, "kb": len(data) / 1024,
                         "query": query_ms, "build": build_ms, "query_cpu": query_cpu, "build_cpu": build_cpu})
        db.session.remove()
    client = app.test_client()
    for row in rows:
        staff = next(u for u in district.users if u.role == "staff" and u.unit_code == row["code"])
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        client.post("/login", data={"login": staff.login, "password": staff.password, "csrf_token": token})

        def download():
            response = client.get(f"/units/{row['code']}/workbook.xlsx")
            assert response.status_code == 200, response.status_code
        row["download"], row["download_cpu"] = median_ms(download, runs)
        client.post("/logout", headers={"X-CSRFToken": token})
        row["cells"] = [row["code"], row["members"], row["subjects"], f"{row['kb']:.0f}",
                        f"{row['query']:.0f} / {row['query_cpu']:.0f}", f"{row['build']:.0f} / {row['build_cpu']:.0f}",
                        f"{row['download']:.0f} / {row['download_cpu']:.0f}",
                        f"{row['download_cpu'] / max(1, row['members']):.3f}"]
    return rows


# --- the district ----------------------------------------------------------------------------------------------
def zip_rows(app, runs: int) -> dict:
    from kdweb.excel import Roster, build_workbook
    from kdweb.extensions import db
    from kdweb.models import BulkJob, Cycle, User
    from kdweb.services import bulk
    from kdweb.services.roster import roster_batch
    from kdweb.services.workbooks import cycle_info, unit_info

    from kdweb.queue import EXTENSION
    app.extensions[EXTENSION].huey.immediate = True  # the job's own work, run where it is enqueued
    timings = {"bulk": [], "loop": [], "bulk_cpu": [], "loop_cpu": []}
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        reviewer = db.session.execute(db.select(User).filter_by(role="reviewer")).scalar_one()
        units = bulk.reporting_units(cycle.id)
        members = 0
        for _ in range(runs):
            started, cpu = time.perf_counter(), time.process_time()
            job = bulk.start("templates", cycle, reviewer)
            timings["bulk"].append(time.perf_counter() - started)
            timings["bulk_cpu"].append(time.process_time() - cpu)
            job = db.session.get(BulkJob, job.id)
            assert job.state == "done", (job.state, job.error)
            bulk_size, bulk_count = len(job.content), len(zipfile.ZipFile(io.BytesIO(job.content)).namelist())
        for _ in range(runs):
            started, cpu = time.perf_counter(), time.process_time()
            buffer, members = io.BytesIO(), 0
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for unit in units:
                    batch = roster_batch(cycle, unit)
                    members += len(batch.members)
                    roster = Roster(members=batch.members, organisations=batch.organisations,
                                    collectives=batch.collectives, leaders=batch.leaders)
                    archive.writestr(f"{unit.code}.xlsx", build_workbook(
                        unit_info(unit), cycle_info(cycle), roster, template_version="2026.1", secret=BENCH_SECRET))
            timings["loop"].append(time.perf_counter() - started)
            timings["loop_cpu"].append(time.process_time() - cpu)
        db.session.remove()
    cells = []
    for how, label, size, count in (("bulk", "bulk job (services.bulk, inline)", bulk_size, bulk_count),
                                    ("loop", "bare loop: roster_batch + build_workbook", len(buffer.getvalue()),
                                     len(units))):
        values = timings[how]
        cells.append([label, count, members, f"{size / 1024 / 1024:.1f}", f"{statistics.median(values):.2f}",
                      f"{min(values):.2f}", f"{max(values):.2f}", f"{statistics.median(timings[how + '_cpu']):.2f}"])
    return {**timings, "cells": cells}


# --- memory ----------------------------------------------------------------------------------------------------
def biggest_roster(app):
    """The largest demo unit's roster, the pattern for the big synthetic workbook."""
    from kdweb.extensions import db
    from kdweb.models import Cycle, Unit
    from kdweb.services.roster import roster_batch

    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        batches = [roster_batch(cycle, unit) for unit in
                   db.session.execute(db.select(Unit).filter_by(reports=True, level="grassroots")).scalars()]
        db.session.remove()
    return max(batches, key=lambda batch: len(batch.members))


def big_workbook(pattern, rows: int, remarks: int) -> tuple[bytes, dict]:
    """`rows` members copied from the pattern's with new codes, rated as staff would, each with long remarks."""
    from tests.workbooks import clean_values, fill

    from kdweb.excel import CycleInfo, Roster, UnitInfo, build_workbook
    from kdweb.rules import SubjectKind, UnitBatch

    members = [msgspec.structs.replace(pattern.members[n % len(pattern.members)], code=f"BIG{n:07d}")
               for n in range(rows)]
    batch = UnitBatch(unit_code=pattern.unit_code, unit_name=pattern.unit_name, review_date=pattern.review_date,
                      members=members, organisations=pattern.organisations, collectives=pattern.collectives,
                      leaders=pattern.leaders)
    unit = UnitInfo(pattern.unit_code, pattern.unit_name, "grassroots")
    cycle = CycleInfo(2026, "qd132-hd21", pattern.review_date)
    template = build_workbook(unit, cycle, Roster(members=members, organisations=batch.organisations,
                                                  collectives=batch.collectives, leaders=batch.leaders),
                              template_version="big.1", secret=BENCH_SECRET)
    values = clean_values(batch)
    numbers = {member.code: n for n, member in enumerate(members)}

    def values_for(kind, code):
        row = values(kind, code)
        if kind is SubjectKind.MEMBER and row is not None:
            row = {**row, "remarks": remark(numbers[code], remarks)}
        return row
    options = {"secret": BENCH_SECRET, "expected_unit_code": unit.code, "open_cycle_year": cycle.year,
               "known_template_versions": ["big.1"]}
    return fill(template, values_for), options


def remark(seed: int, length: int) -> str:
    """Free text that compresses about as well as Vietnamese prose (2.6×), different on every row."""
    rng, words = random.Random(seed), []
    while sum(len(word) + 1 for word in words) < length:
        words.append(rng.choice(ONSETS) + rng.choice(RIMES))
    return " ".join(words)[:length].capitalize()


READERS = {
    "kdweb.excel.validate_upload": """
from kdweb.excel import validate_upload
result = validate_upload(data, **options)
outcome = f"ok={result.ok}, {len(result.batch.members) if result.ok else 0:,} members, {len(result.errors)} errors"
""",
    "calamine, bare (every sheet to lists)": """
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_filelike(io.BytesIO(data))
cells = sum(len(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python())
outcome = f"{cells:,} cells"
""",
    "calamine, rows streamed (iter_rows)": """
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_filelike(io.BytesIO(data))
cells = sum(len(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).iter_rows())
outcome = f"{cells:,} cells"
""",
    "openpyxl read-only (values)": """
import openpyxl
book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
book.close()
outcome = f"{cells:,} cells"
""",
}
CHILD = """
import io, json, resource, sys, time
sys.path.insert(0, {root!r})
import kdweb.excel, python_calamine, openpyxl  # every reader starts from the same imports
data = open({path!r}, "rb").read()
options = json.loads({options!r})

def status(field):
    return int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith(field + ":")))

baseline = status("VmRSS")
started = time.perf_counter()
{reader}
seconds = time.perf_counter() - started
print(json.dumps({{"baseline_kb": baseline, "peak_kb": status("VmHWM"), "seconds": seconds, "outcome": outcome,
                   "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def memory_rows(pattern, rows: int, remarks: int) -> dict:
    data, options = big_workbook(pattern, rows, remarks)
    result = {"mb": len(data) / 1024 / 1024, "rows": rows, "cells": []}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.xlsx"
        path.write_bytes(data)
        for name, reader in READERS.items():
            script = CHILD.format(root=str(ROOT), path=str(path), options=json.dumps(options), reader=reader)
            # Through a shell that forks (not execs) Python: ru_maxrss survives fork and exec, so a child forked
            # straight from this big process would start with this process's high-water mark.
            done = subprocess.run(["/bin/sh", "-c", '"$0" -c "$1"; exit $?', sys.executable, script],
                                  capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            result.setdefault("ours", figures)
            result["cells"].append([name, f"{figures['ru_maxrss_kb'] / 1024:.0f}", f"{figures['peak_kb'] / 1024:.0f}",
                                    f"{figures['baseline_kb'] / 1024:.0f}",
                                    f"{(figures['peak_kb'] - figures['baseline_kb']) / 1024:.0f}",
                                    f"{figures['seconds']:.1f}", figures["outcome"]])
    return result


if __name__ == "__main__":
    main()
