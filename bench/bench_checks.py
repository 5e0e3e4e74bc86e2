"""The district checks page at city scale: computed on request (as before) against read from the stored result
that the queue's job computes after a change (kdweb/services/checks_store.py).

Prints, interleaved (the contenders alternated within each turn), the CPU time and wall time of: the
computation itself (the job's work, `district_findings`), the page as it was (computed in the request), and the
page as it is (one stored row, one page of findings); then the page's size. CPU is this process's
(time.process_time): the database's own CPU is not in it.

    .venv/bin/python bench/bench_checks.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME
    .venv/bin/python bench/bench_checks.py --size full        # builds a PostgreSQL database, drops it after

A database given with --database-url must hold a demo with results (bench/bench_report.py's add_results); a ×30
city takes about ten minutes to build on a loaded machine, so build it once and pass it again.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import add_results, database  # noqa: E402
from kdweb import create_app  # noqa: E402
from kdweb.demo.generate import generate  # noqa: E402
from kdweb.demo.load import load  # noqa: E402
from kdweb.extensions import db  # noqa: E402
from kdweb.models import BulkJob, Cycle, DistrictCheck, UnitCycle, User  # noqa: E402
from kdweb.services import checks_store, jobs  # noqa: E402
from kdweb.services.district_checks import district_findings  # noqa: E402

TARGET_MS = 300
BENCH_PASSWORD = "bench-checks-password"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an existing database with a demo and its results")
    parser.add_argument("--size", default="city", choices=["small", "full", "city"])
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.turns)
    else:
        with database("postgresql", args.size) as url:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 40})
            with app.app_context():
                db.create_all()
                district = generate(args.size)
                load(district)
                add_results(district)
                db.session.remove()
                db.engine.dispose()
            run(url, args.turns)


def run(url: str, turns: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 40, "WTF_CSRF_ENABLED": False,
                      "KDWEB_QUEUE": "immediate", "KDWEB_CHECKS_DELAY_SECONDS": 0,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()  # the district_checks table, on a database built before it
        cycle = db.session.execute(db.select(Cycle).filter_by(is_open=True)).scalar_one()
        units = db.session.scalar(db.select(db.func.count()).select_from(UnitCycle).filter_by(cycle_id=cycle.id))
        reviewer = db.session.execute(db.select(User).filter_by(role="reviewer")).scalars().first()
        reviewer.set_password(BENCH_PASSWORD)  # a bench database: its reviewer logs in with a known password
        login = reviewer.login
        db.session.execute(db.delete(DistrictCheck))
        db.session.execute(db.delete(BulkJob).where(BulkJob.kind == checks_store.KIND))
        db.session.commit()
        started = time.process_time()
        job = jobs.create(checks_store.KIND, cycle.id)
        db.session.commit()
        jobs.execute(job.id)  # the job, as a worker runs it: the stored result the page reads
        job_cpu = time.process_time() - started
        stored = db.session.execute(db.select(DistrictCheck)).scalar_one()
        print(f"district checks · {units} reporting units · {stored.unit_count} submitted · "
              f"{stored.finding_count} findings · job: {job_cpu:.2f} s CPU (stored cpu_seconds {stored.cpu_seconds})")
        cycle_id = cycle.id
        db.session.remove()
    client = app.test_client()
    logged_in = client.post("/login", data={"login": login, "password": BENCH_PASSWORD})
    assert logged_in.status_code in (302, 303), logged_in.get_data(as_text=True)[-1500:]

    def computed():
        with app.app_context():
            district_findings(db.session.get(Cycle, cycle_id))

    def computed_page():  # as before: the page computed the checks in the request (one server's cache aside)
        computed()
        stored_page()

    def stored_page():
        response = client.get("/review/checks")
        assert response.status_code == 200 and b"data-checks-pending" not in response.data, response.data[-800:]

    contenders = [("computation (the job's work)", computed), ("page, computed in the request (before)",
                                                                computed_page), ("page, stored result (now)",
                                                                                 stored_page)]
    stored_page()  # warm: compiled queries and templates
    times = {name: [] for name, _ in contenders}
    for _ in range(turns):
        for name, function in contenders:
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            times[name].append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    for _ in range(20):  # the cheap contender alone, for a steadier median
        wall, cpu = time.perf_counter(), time.process_time()
        stored_page()
        times["page, stored result (now)"].append(((time.perf_counter() - wall) * 1000,
                                                   (time.process_time() - cpu) * 1000))
    size = len(client.get("/review/checks").data)
    print(f"{turns} interleaved turns (the stored page 20 more times), medians; CPU is this process's")
    print(f"{'what':<42}{'wall ms':>10}{'CPU ms':>10}")
    for name, _ in contenders:
        print(f"{name:<42}{statistics.median(w for w, _ in times[name]):>10.1f}"
              f"{statistics.median(c for _, c in times[name]):>10.1f}")
    now = statistics.median(c for _, c in times["page, stored result (now)"])
    print(f"page size {size / 1024:.0f} KB ({checks_store.PAGE_SIZE} findings a page at most); "
          f"target ≤ {TARGET_MS} ms: {'ok' if now <= TARGET_MS else 'MISSED'} (CPU)")


if __name__ == "__main__":
    main()
