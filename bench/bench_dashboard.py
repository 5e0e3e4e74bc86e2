"""Dashboard render time for the full demo district, with every unit uploaded and half of them submitted.

Prints, interleaved, the service alone, the page with the board built as before the cache and with it cached,
and the 30-second poll answered 200 and 304: wall and CPU medians, the CPU ratio to the page as it was, and
the SQL statements of each. Usage: .venv/bin/python bench/bench_dashboard.py [--size full|city] [--pg]
"""
import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, insert, text  # noqa: E402

from kdweb import create_app  # noqa: E402
from kdweb.demo.generate import generate  # noqa: E402
from kdweb.demo.load import load  # noqa: E402
from kdweb.extensions import db  # noqa: E402
from kdweb.models import Cycle, Person, Rating, Submission, UnitCycle, Upload, User  # noqa: E402
from kdweb.services import dashboard  # noqa: E402

LEVELS = ["HTXSNV", "HTTNV", "HTTNV", "HTTNV", "HTTNV", "HTNV", "HTNV", "KHTNV"]


def fill_results(cycle):
    """Every reporting unit uploads a valid file with ratings; every other one also submits it."""
    user_id = db.session.execute(db.select(User.id).filter_by(role="reviewer")).scalar_one()
    states = db.session.execute(db.select(UnitCycle).filter_by(cycle_id=cycle.id)).scalars().all()
    members_by_unit = {}
    for code, grassroots_id in db.session.execute(db.select(Person.code, Person.grassroots_id)):
        members_by_unit.setdefault(grassroots_id, []).append(code)
    for index, state in enumerate(states):
        upload = Upload(cycle_id=cycle.id, unit_id=state.unit_id, user_id=user_id, version=1, filename="kq.xlsx",
                        size=1, sha256=uuid.uuid4().hex * 2, content=b"x", outcome="valid", warning_count=index % 3)
        db.session.add(upload)
        db.session.flush()
        rows = [{"upload_id": upload.id, "subject_kind": "MEMBER", "subject_code": code, "subject_name": code,
                 "level": LEVELS[n % len(LEVELS)], "disciplined": False}
                for n, code in enumerate(members_by_unit.get(state.unit_id, []))]
        if rows:
            db.session.execute(insert(Rating), rows)
        state.latest_upload_id = state.valid_upload_id = upload.id
        state.status = "valid"
        if index % 2:
            submission = Submission(cycle_id=cycle.id, unit_id=state.unit_id, upload_id=upload.id,
                                    submitted_by_id=user_id, state="submitted")
            db.session.add(submission)
            db.session.flush()
            state.submission_id, state.status = submission.id, "submitted"
    db.session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="full", choices=["small", "full", "city"])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL on 127.0.0.1:5432 instead of SQLite")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    database = f"kdweb_bench_{uuid.uuid4().hex[:6]}"
    if args.pg:
        admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 40, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    try:
        with app.app_context():
            db.create_all()
            district = generate(args.size)
            load(district)
            cycle = db.session.execute(db.select(Cycle)).scalar_one()
            fill_results(cycle)
            units = len(dashboard.build(cycle, dashboard.Filters()).all_rows)
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client = app.test_client()
        password = next(u.password for u in district.users if u.role == "reviewer")
        client.post("/login", data={"login": "bantochuc", "password": password})
        poll = {"HX-Request": "true", "HX-Target": "dashboard-body"}
        tag = client.get("/review/", headers=poll).headers["ETag"]

        def build():
            with app.app_context():
                dashboard.build(db.session.get(Cycle, cycle.id), dashboard.Filters())

        def rebuilt_page():  # as before the cache: the board built for every request
            dashboard.BOARDS.entries.clear()
            client.get("/review/")

        contenders = [
            ("dashboard.build (service, no cache)", build),
            ("GET /review/, board built (before)", rebuilt_page),
            ("GET /review/, board cached", lambda: client.get("/review/")),
            ("poll, 200 (board cached)", lambda: client.get("/review/", headers=poll)),
            ("poll, 304 (If-None-Match)", lambda: client.get("/review/", headers={**poll, "If-None-Match": tag})),
        ]
        for _, run in contenders:
            run()  # warm: compiled queries and templates
        times = {name: [] for name, _ in contenders}
        queries = {}
        for _ in range(args.repeat):  # interleaved: every contender once per turn
            for name, run in contenders:
                statements.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                run()
                times[name].append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
                queries[name] = len(statements)
        page_kb = len(client.get("/review/").data) / 1024
        engine = "PostgreSQL (its CPU not counted)" if args.pg else "SQLite (in this process's CPU)"
        print(f"dashboard · {args.size} demo · {units} reporting units · {len(district.persons)} members · {engine}")
        print(f"{args.repeat} interleaved turns, medians; the machine's 2 cores are shared: CPU time and the ratio "
              "to the page as it was are the figures to compare")
        base = statistics.median(c for _, c in times["GET /review/, board built (before)"])
        print(f"{'what':<40}{'wall ms':>9}{'CPU ms':>8}{'÷ before':>10}{'SQL':>5}")
        for name, _ in contenders:
            wall = statistics.median(w for w, _ in times[name])
            cpu = statistics.median(c for _, c in times[name])
            print(f"{name:<40}{wall:>9.1f}{cpu:>8.1f}{cpu / base:>9.2f}×{queries[name]:>5}")
        print(f"full page: {page_kb:.0f} KB ({dashboard.PAGE_SIZE} units a page at most)")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if args.pg:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
