"""The database writes of one upload on PostgreSQL: the findings and ratings rows of a 10,000-member unit.

Interleaved, each turn: the rows inserted as the app does (`render_nulls=True`: one executemany per table,
whatever the NULL pattern), as multi-row VALUES statements, and as it did before (one batch per NULL pattern). Prints statements,
CPU time of this process (the app's side) and wall time, medians over the turns; each turn is rolled back.

    .venv/bin/python bench/bench_inserts.py [--rows 10000] [--turns 5]
"""
import argparse
import random
import statistics
import time

from common import BENCH_SECRET, fresh_database, machine, migrate
from sqlalchemy import event, insert

from kdweb import create_app
from kdweb.extensions import db
from kdweb.models import Finding, Rating, Unit, Upload, User
from kdweb.models.base import utcnow


CONTENDERS = [("render_nulls", "executemany, render_nulls (the app)"),
              ("values", "multi-row VALUES, 1,000 rows a statement"),
              ("by_pattern", "executemany by NULL pattern (before)")]


def rating_rows(upload_id: int, count: int) -> list[dict]:
    """Real shapes: some not rated, some without a group, remarks on some, discipline rare."""
    chance = random.Random(21)
    rows = []
    for index in range(count):
        rated = chance.random() > 0.04
        rows.append({"upload_id": upload_id, "subject_kind": "dv", "subject_code": f"DV{index:06d}",
                     "subject_name": f"Nguyễn Văn Thành {index}", "group": f"Chi bộ {index // 40}"
                     if chance.random() > 0.1 else None,
                     "level": chance.choice(["HTXSNV", "HTTNV", "HTNV", "KHTNV"]) if rated else None,
                     "not_rated_reason": None if rated else chance.choice(["om_dau", "thai_san"]),
                     "disciplined": chance.random() < 0.01,
                     "remarks": "Gương mẫu, nhiệt tình trong công tác" if chance.random() < 0.3 else None})
    return rows


def finding_rows(upload_id: int, count: int) -> list[dict]:
    chance = random.Random(22)
    return [{"upload_id": upload_id, "position": index, "rule": "M-LEVEL", "severity": "error",
             "sheet": "Đảng viên", "cell": f"H{index + 8}" if chance.random() > 0.2 else None,
             "subject_kind": "dv" if chance.random() > 0.1 else None, "subject_code": f"DV{index:06d}",
             "subject_name": None, "field": "level" if chance.random() > 0.5 else None,
             "message": "Mức xếp loại không hợp lệ"} for index in range(count)]


def execute(model, rows, how: str) -> None:
    if how == "values":  # multi-row VALUES, 1,000 rows a statement
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(model).values(rows[start:start + 1000]))
    elif how == "render_nulls":
        db.session.execute(insert(model).execution_options(render_nulls=True), rows)
    else:
        db.session.execute(insert(model), rows)


def timed_insert(rows_by_model, how: str) -> tuple[int, float, float]:
    statements = 0

    def count(*_):
        nonlocal statements
        statements += 1
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    cpu, wall = time.process_time(), time.perf_counter()
    for model, rows in rows_by_model:
        execute(model, rows, how)
    db.session.flush()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    event.remove(engine, "before_cursor_execute", count)
    db.session.rollback()
    return statements, cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=200, help="findings of the upload (a few errors)")
    parser.add_argument("--turns", type=int, default=5)
    arguments = parser.parse_args()
    print(machine())
    print("The machine's 2 cores are shared with other engineers' test runs: compare the two lines, "
          "measured side by side; CPU time is this process's.\n")
    with fresh_database("postgresql", "inserts") as url:
        migrate(url)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": BENCH_SECRET})
        with app.app_context():
            from kdweb.demo.generate import generate
            from kdweb.demo.load import load
            load(generate("small"))
            unit = db.session.execute(db.select(Unit)).scalars().first()
            user = db.session.execute(db.select(User)).scalars().first()
            from kdweb.models import Cycle
            cycle = db.session.execute(db.select(Cycle)).scalar_one()
            upload = Upload(cycle_id=cycle.id, unit_id=unit.id, user_id=user.id, version=1, created_at=utcnow(),
                            filename="x.xlsx", size=1, sha256="0" * 64, content=b"x")
            db.session.add(upload)
            db.session.commit()
            rows = [(Finding, finding_rows(upload.id, arguments.findings)),
                    (Rating, rating_rows(upload.id, arguments.rows))]
            results = {how: [] for how, _ in CONTENDERS}
            for _ in range(arguments.turns):
                for how, _ in CONTENDERS:
                    results[how].append(timed_insert(rows, how))
            db.session.remove()
            db.engine.dispose()
    print(f"{arguments.rows:,} ratings + {arguments.findings} findings, {arguments.turns} interleaved turns, medians")
    print(f"{'insert':<44}{'DBAPI calls':>12}{'CPU s':>8}{'wall s':>8}{'CPU ÷ app':>11}")
    for how, label in CONTENDERS:
        calls, cpu, wall = (statistics.median(values) for values in zip(*results[how]))
        ratio = statistics.median(b[1] / a[1] for a, b in zip(results["render_nulls"], results[how]))
        print(f"{label:<44}{calls:>12.0f}{cpu:>8.3f}{wall:>8.3f}{ratio:>10.2f}×")
    print("(psycopg 3 sends an executemany as pipelined INSERTs: one DBAPI call, many statements on the wire)")


if __name__ == "__main__":
    main()
