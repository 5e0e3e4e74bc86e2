"""How long the district report's aggregation takes, per engine and size.

Builds the demo district ("full", about 65 reporting units) and the ×30 city ("city", about 1,900 reporting
units and 560,000 rating rows) with deterministic synthetic results: an upload, a submission (mostly approved,
some only submitted, a few returned, a few units without any) and one rating row per subject on the roster.
Then it times `district_report` (the SQL GROUP BY and the table building) and prints the median of several runs.

    .venv/bin/python bench/bench_report.py                      # both engines, both sizes
    .venv/bin/python bench/bench_report.py --engines sqlite --sizes full --runs 9

PostgreSQL: 127.0.0.1:5432, user postgres, trust; the script creates and drops its own database.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, make_url, text, update  # noqa: E402

from kdweb import create_app  # noqa: E402
from kdweb.demo.generate import generate  # noqa: E402
from kdweb.demo.load import load  # noqa: E402
from kdweb.extensions import db  # noqa: E402
from kdweb.models import Cycle, Rating, Submission, Unit, UnitCycle, Upload, User  # noqa: E402
from kdweb.services.reports import district_report  # noqa: E402

PG_SERVER = os.environ.get("KDWEB_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGETS = {"full": 0.3, "city": 5.0}  # seconds, on PostgreSQL
LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
LEVEL_WEIGHTS = (14, 62, 21, 3)
STATES = (("approved", 80), ("submitted", 12), ("returned", 4), (None, 4))
BATCH = 10_000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="full,city")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = []
    for engine in args.engines.split(","):
        for size in args.sizes.split(","):
            results.append(bench(engine, size, args.runs))
    print()
    print(f"{'engine':<11} {'size':<5} {'units':>6} {'ratings':>8} {'load s':>7} "
          f"{'median s':>9} {'min s':>7} {'max s':>7}  target")
    for row in results:
        target = TARGETS[row["size"]]
        verdict = f"< {target} s {'ok' if row['median'] < target else 'MISSED'}" if row["engine"] == "postgresql" \
            else "-"
        print(f"{row['engine']:<11} {row['size']:<5} {row['units']:>6} {row['ratings']:>8} {row['load']:>7.1f} "
              f"{row['median']:>9.3f} {row['min']:>7.3f} {row['max']:>7.3f}  {verdict}")


def bench(engine: str, size: str, runs: int) -> dict:
    with database(engine, size) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40,
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            started = time.perf_counter()
            db.create_all()
            district = generate(size)
            load(district)
            ratings = add_results(district)
            if engine == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            loaded = time.perf_counter() - started
            cycle = db.session.execute(db.select(Cycle).filter_by(year=district.year)).scalar_one()
            report = district_report(cycle, "approved", compare=False)  # warm the caches
            timings = []
            for _ in range(runs):
                db.session.expire_all()
                started = time.perf_counter()
                report = district_report(cycle, "approved", compare=False)
                timings.append(time.perf_counter() - started)
            total = report.table("MEMBER").total.counts
            print(f"{engine} {size}: {len(district.reporting_units)} units, {ratings} ratings, loaded in "
                  f"{loaded:.1f} s; members rated {total.rated} of {total.roster}; "
                  f"runs {', '.join(f'{t:.3f}' for t in timings)}", flush=True)
            db.session.remove()
            db.engine.dispose()
    return {"engine": engine, "size": size, "units": len(district.reporting_units), "ratings": ratings,
            "load": loaded, "median": statistics.median(timings), "min": min(timings), "max": max(timings)}


class database:
    """A fresh database for one run: a temporary SQLite file, or a PostgreSQL database dropped afterwards."""

    def __init__(self, engine: str, size: str):
        self.engine, self.size = engine, size

    def __enter__(self) -> str:
        if self.engine == "sqlite":
            self.folder = tempfile.TemporaryDirectory(prefix="kdweb-bench-")
            return f"sqlite:///{self.folder.name}/bench.sqlite"
        self.name = f"kdweb_bench_{self.size}_{os.getpid()}"
        self.admin = create_engine(make_url(PG_SERVER), isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}"'))
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        return make_url(PG_SERVER).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc):
        if self.engine == "sqlite":
            self.folder.cleanup()
            return
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def add_results(district, seed: int = 174) -> int:
    """Each reporting unit's current submission and the ratings of its roster, inserted directly."""
    rng = random.Random(seed)
    cycle_id = db.session.scalar(db.select(Cycle.id).filter_by(year=district.year))
    user_id = db.session.scalar(db.select(User.id).filter_by(role="reviewer"))
    unit_ids = dict(db.session.execute(db.select(Unit.code, Unit.id)).all())
    by_code = {unit.code: unit for unit in district.units}
    reporting = {unit.code: reporting_unit(unit, by_code) for unit in district.units}
    rows = ratings_by_unit(district, reporting, rng)
    states = {unit.code: rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
              for unit in district.reporting_units}
    sent = [code for code, state in states.items() if state]
    db.session.execute(insert(Upload), [
        {"cycle_id": cycle_id, "unit_id": unit_ids[code], "user_id": user_id, "version": 1,
         "filename": f"{code}.xlsx", "size": 1, "sha256": f"{index:064d}", "content": b"", "outcome": "valid"}
        for index, code in enumerate(sent)])
    upload_ids = dict(db.session.execute(db.select(Upload.unit_id, Upload.id)).all())
    db.session.execute(insert(Submission), [
        {"cycle_id": cycle_id, "unit_id": unit_ids[code], "upload_id": upload_ids[unit_ids[code]],
         "submitted_by_id": user_id, "state": states[code]} for code in sent])
    submission_ids = dict(db.session.execute(db.select(Submission.unit_id, Submission.id)).all())
    for code in sent:
        db.session.execute(update(UnitCycle).where(UnitCycle.cycle_id == cycle_id,
                                                   UnitCycle.unit_id == unit_ids[code])
                           .values(submission_id=submission_ids[unit_ids[code]], status=states[code]))
    batch, count = [], 0
    for code in sent:
        for row in rows.get(code, ()):
            batch.append({**row, "upload_id": upload_ids[unit_ids[code]]})
            if len(batch) == BATCH:
                db.session.execute(insert(Rating), batch)
                count, batch = count + len(batch), []
    if batch:
        db.session.execute(insert(Rating), batch)
        count += len(batch)
    db.session.commit()
    return count


def reporting_unit(unit, by_code):
    while not unit.reports:
        unit = by_code[unit.parent_code]
    return unit.code


def ratings_by_unit(district, reporting, rng) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    review = district.review_date
    for person in district.persons:
        reason = ("EXEMPT" if person.exempt else "SUSPENDED" if person.suspended
                  else "NEW" if person.admitted_on and (review - person.admitted_on).days < 183 else None)
        rows.setdefault(reporting[person.cell_code], []).append(rating("MEMBER", person.code, person.full_name,
                                                                        None, reason, rng, person.discipline_form))
        if person.temporary_cell_code and reporting[person.temporary_cell_code] != reporting[person.cell_code]:
            rows.setdefault(reporting[person.temporary_cell_code], []).append(
                rating("MEMBER", person.code, person.full_name, None, "TEMPORARY", rng))
    for unit in district.units:
        if unit.parent_code is not None:
            rows.setdefault(reporting[unit.parent_code], []).append(
                rating("ORGANISATION", unit.code, unit.name, unit.group, None, rng))
    for collective in district.collectives:
        rows.setdefault(reporting[collective.rated_in_code], []).append(
            rating("COLLECTIVE", collective.code, collective.name, collective.collective_type, None, rng))
    for leader in district.leaders:
        rows.setdefault(reporting[leader.rated_in_code], []).append(
            rating("LEADER", leader.code, leader.title, leader.equivalent_group, None, rng))
    return rows


def rating(kind, code, name, group, reason, rng, discipline=None) -> dict:
    if reason is None and rng.random() < 0.004:
        reason = "OTHER"
    level = None if reason else ("KHTNV" if discipline else rng.choices(LEVELS, LEVEL_WEIGHTS)[0])
    return {"subject_kind": kind, "subject_code": code, "subject_name": name, "group": group, "level": level,
            "not_rated_reason": reason, "disciplined": bool(discipline) and level is not None, "remarks": None}


if __name__ == "__main__":
    main()
