"""The deadline week: gunicorn on PostgreSQL with queue workers (Redis), unit clients uploading their real
workbooks every few seconds while reviewers follow the dashboard (its 30-second poll with ETag, the page, a unit).

    .venv/bin/python bench/bench_deadline.py                       # 200 unit clients, 20 reviewers, 60 s
    .venv/bin/python bench/bench_deadline.py --units 50 --seconds 30

The full demo district is loaded with results (bench_dashboard.fill_results); the unit clients are spread over
the units still allowed to upload (every other unit has submitted), several clients per unit, each with its own
session, uploading its unit's workbook filled as the staff would, one cell changed each time (a new version).
A reviewer also starts the district's bulk zip at the start, so the queue workers have work.

Prints, per page: requests, p50/p95/p99, errors; uploads acknowledged against versions stored (lost = acknowledged
but not stored); CPU per request of the app (gunicorn), the database (postgres) and the queue workers; and whether
the zip finished. The machine is 2 cores shared with other engineers' tests: the load tool runs on it too.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import app_dispose, cpu_times, fill_workbook  # noqa: E402
from common import (  # noqa: E402
    ROOT, Browser, app_env, fresh_database, gunicorn, machine, percentile, print_table, seed_district,
    workbook_variant,
)

MARKER = "BENCH000000"
REDIS = os.environ.get("KDWEB_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def uploadable_units(app) -> list[str]:
    from kdweb.extensions import db
    from kdweb.models import Person, Unit, UnitCycle

    with app.app_context():  # units with members of their own (bench_load.fill_workbook marks the first one)
        codes = db.session.execute(db.select(Unit.code).join(UnitCycle, UnitCycle.unit_id == Unit.id)
                                   .join(Person, Person.grassroots_id == Unit.id)
                                   .where(UnitCycle.status.in_(("valid", "has_errors", "downloaded")))
                                   .group_by(Unit.code).order_by(Unit.code)).scalars().all()
        db.session.remove()
    return codes


def versions_by_unit(app) -> dict[str, int]:
    from kdweb.extensions import db
    from kdweb.models import Unit, Upload

    with app.app_context():
        rows = db.session.execute(db.select(Unit.code, db.func.count(Upload.id)).join(Upload, Upload.unit_id == Unit.id)
                                  .group_by(Unit.code)).all()
        db.session.remove()
    return dict(rows)


def prepare(app, district, base, clients: int, reviewers: int, folder: Path) -> dict:
    units = uploadable_units(app)
    plan_units = []
    templates = {}
    for number in range(clients):
        unit = units[number % len(units)]
        staff = next(u for u in district.users if u.role == "staff" and u.unit_code == unit)
        browser = Browser(base)
        browser.login(staff.login, staff.password)
        if unit not in templates:
            status, _, template = browser.get(f"/units/{unit}/workbook.xlsx")
            assert status == 200, status
            path = folder / f"{unit}.xlsx"
            path.write_bytes(fill_workbook(app, unit, template))
            workbook_variant(path.read_bytes(), MARKER, 1)  # the marker is where the variants expect it
            templates[unit] = str(path)
        plan_units.append({"unit": unit, "cookie": browser.session_cookie, "csrf": browser.csrf,
                           "workbook": templates[unit]})
    reviewer = next(u for u in district.users if u.role == "reviewer")
    reviewer_sessions = []
    for _ in range(reviewers):
        browser = Browser(base)
        browser.login(reviewer.login, reviewer.password)
        reviewer_sessions.append({"cookie": browser.session_cookie, "csrf": browser.csrf})
    return {"units": plan_units, "reviewer_sessions": reviewer_sessions, "marker": MARKER,
            "distinct_units": len(templates)}


def start_zip(base, district) -> tuple[Browser, str]:
    reviewer = next(u for u in district.users if u.role == "reviewer")
    browser = Browser(base)
    browser.login(reviewer.login, reviewer.password)
    status, headers, _ = browser.request("POST", "/review/bulk/templates", b"", {
        "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": browser.csrf})
    assert status == 302, status
    return browser, headers["Location"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200, help="unit clients uploading")
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pause", default="3-8", help="seconds between a unit client's uploads, low-high")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--queue-workers", type=int, default=1, help="`flask worker` processes (2 threads each)")
    args = parser.parse_args()
    pause = tuple(float(x) for x in args.pause.split("-"))
    print(f"deadline week · {machine()}")
    queue_env = {"KDWEB_QUEUE": REDIS, "KDWEB_QUEUE_NAME": f"kdweb-bench-{uuid.uuid4().hex[:8]}"}
    with tempfile.TemporaryDirectory(prefix="kdweb-deadline-") as folder, \
            fresh_database("postgresql", "deadline") as url:
        folder = Path(folder)
        started = time.perf_counter()
        app, district = seed_district(url, "full")
        print(f"full demo loaded in {time.perf_counter() - started:.0f} s")
        workers = [subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "kdweb", "worker", "--workers", "2"],
                                    cwd=ROOT, env={**app_env(url), **queue_env}, stdout=subprocess.DEVNULL,
                                    stderr=open(folder / f"worker-{n}.log", "wb"))
                   for n in range(args.queue_workers)]
        log = folder / "gunicorn.log"
        try:
            with gunicorn(url, args.workers, str(log), env=queue_env) as (base, server):
                plan = prepare(app, district, base, args.units, args.reviewers, folder)
                before = versions_by_unit(app)
                output = folder / "samples.json"
                plan.update(output=str(output), upload_pause=pause, reviewers=args.reviewers, first_number=2)
                plan_file = folder / "plan.json"
                plan_file.write_text(json.dumps(plan))
                database = make_url(url).database
                cpu_before = {**cpu_times(server.pid, database), **worker_cpu(workers)}
                zip_browser, zip_path = start_zip(base, district)
                zip_started = time.monotonic()
                clients = args.units + args.reviewers
                command = [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
                           "-u", str(clients), "-r", str(max(10, clients // 10)), "-t", f"{args.seconds}s",
                           "--stop-timeout", "120", "--host", base, "--only-summary", "--loglevel", "WARNING",
                           "DeadlineUnitUser", "DeadlineReviewerUser"]
                locust = subprocess.run(command, cwd=ROOT, env={**os.environ, "KDWEB_LOAD_PLAN": str(plan_file)},
                                        capture_output=True, text=True, timeout=args.seconds + 400)
                cpu_after = {**cpu_times(server.pid, database), **worker_cpu(workers)}
                zip_state = zip_progress(zip_browser, zip_path, zip_started)
                after = versions_by_unit(app)
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=60)
        samples = json.loads(output.read_text()) if output.exists() else []
        if not samples:
            raise RuntimeError("locust recorded nothing\n" + locust.stdout[-3000:] + locust.stderr[-3000:])
        report(args, plan, samples, cpu_before, cpu_after, before, after, zip_state, log)
        app_dispose(app)


def worker_cpu(workers) -> dict:
    ticks, times = os.sysconf("SC_CLK_TCK"), {}
    for worker in workers:
        for pid in [worker.pid, *children(worker.pid)]:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            times[("queue", pid)] = (int(fields[11]) + int(fields[12])) / ticks
    return times


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def zip_progress(browser, path, started) -> str:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        _, _, body = browser.get(path)
        page = body.decode()
        if 'data-job-state="done"' in page:
            return f"done, {time.monotonic() - started:.0f} s after it was started"
        if 'data-job-state="failed"' in page:
            return "FAILED: " + page[page.index("Không tạo được"):][:200]
        time.sleep(1)
    return "still running 300 s after the load ended"


def report(args, plan, samples, cpu_before, cpu_after, before, after, zip_state, log) -> None:
    by_name = collections.defaultdict(list)
    for sample in samples:
        by_name[sample[3]].append(sample)
    cpu = collections.Counter()
    for (kind, pid), used in cpu_after.items():
        cpu[kind] += used - cpu_before.get((kind, pid), 0)
    total = len(samples)
    span = max(s[0] + s[1] / 1000 for s in samples) - min(s[0] for s in samples)
    print()
    print(f"{args.units} unit clients ({plan['distinct_units']} units, a new version every {args.pause} s each) and "
          f"{args.reviewers} reviewers, {args.seconds} s, gunicorn --workers {args.workers}, "
          f"{args.queue_workers} queue worker(s), PostgreSQL; locust on the same 2 shared cores")
    rows = []
    for name, group in sorted(by_name.items()):
        times = [s[1] for s in group]
        errors = sum(1 for s in group if s[2])
        not_modified = sum(1 for s in group if s[4] == 304)
        rows.append([name, len(group), f"{len(group) / span:.1f}", f"{percentile(times, 50):.0f}",
                     f"{percentile(times, 95):.0f}", f"{percentile(times, 99):.0f}", errors,
                     not_modified if "poll" in name else ""])
    print_table(["page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "304"], rows)
    uploads_ok = sum(1 for s in by_name["POST /units/<code>/uploads"] if not s[2])
    stored = sum(after.values()) - sum(before.values())
    print(f"uploads acknowledged {uploads_ok}, new versions stored {stored}, lost {max(0, uploads_ok - stored)}")
    print(f"CPU per request (all requests, {total}): app {cpu['app'] * 1000 / total:.0f} ms, "
          f"database {cpu['db'] * 1000 / total:.0f} ms; queue workers {cpu['queue']:.1f} s in all")
    print(f"bulk zip started at the beginning: {zip_state}")
    failures = collections.Counter(s[2] for s in samples if s[2])
    if failures:
        print("errors: " + "; ".join(f"{count} × {message}" for message, count in failures.most_common(4)))
    print(f"gunicorn log: {sum(1 for line in log.read_text().splitlines() if 'Traceback' in line)} tracebacks; "
          f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
