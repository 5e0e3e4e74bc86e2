"""The app under load: gunicorn (4 sync workers) on a fresh PostgreSQL database holding the full demo district
with results, 50 concurrent clients from locust (headless) on 127.0.0.1, each endpoint for a bounded time.

    .venv/bin/pip install -q -e '.[bench]'
    .venv/bin/python bench/bench_load.py                        # every scenario, 20 s each
    .venv/bin/python bench/bench_load.py --seconds 10 --profile "dashboard, no pause"

Scenarios: the reviewers' dashboard (GET /review/), a unit's page as its staff (GET /units/<code>) and an
upload of a real filled workbook (POST /units/<code>/uploads, as htmx sends it) — each "new" upload changes one
cell so it becomes a new version; an "identical" re-upload is recognised without one. Each endpoint runs twice:
with no pause (every client sends its next request as soon as the answer arrives: the server's capacity, and
the queueing at 50 clients) and paced (each client waits 1-3 s between requests, like a person clicking).

Every client logs in first with its own session (POST /login with the CSRF token of the login page). Every
answer is checked (status and a text only that answer has): anything else is an error. Percentiles are exact
(nearest rank over every response time). CPU columns: share of the whole machine used by the app (gunicorn),
the database (postgres) and the load tool (locust) during the run. --profile samples the gunicorn workers with
py-spy during the named scenarios and prints where their time goes.

PostgreSQL: 127.0.0.1:5432, user postgres, trust (KDWEB_BENCH_PG); the script creates and drops its database.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT, Browser, fresh_database, gunicorn, machine, percentile, print_table, seed_district, workbook_variant,
)

TARGET_P95_MS = 150
IDLE = ("SyncWorker.wait", "Arbiter.sleep", "Arbiter.wait_for_signals")  # waiting for work, not working
MARKER = "BENCH000000"
ENDPOINTS = {"dashboard": ("DashboardUser", "GET /review/"),
             "dashboard poll": ("DashboardPollUser", "GET /review/ as the 30-second poll (ETag, 304)"),
             "unit page": ("UnitPageUser", "GET /units/<code>"),
             "upload identical": ("UploadUser", "POST /units/<code>/uploads (identical bytes)"),
             "upload new": ("UploadUser", "POST /units/<code>/uploads (one cell changed)")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20, help="per scenario")
    parser.add_argument("--pause", default="1-3", help="seconds between a paced client's requests, low-high")
    parser.add_argument("--size", default="full", choices=["small", "full", "city"])
    parser.add_argument("--members", type=int, default=500, help="upload as the unit whose roster is nearest this")
    parser.add_argument("--only", default="", help="comma-separated endpoints: " + ", ".join(ENDPOINTS))
    parser.add_argument("--profile", default="",
                        help='scenarios to profile with py-spy, semicolon-separated, e.g. "dashboard, no pause"')
    args = parser.parse_args()
    paced = tuple(float(x) for x in args.pause.split("-"))
    endpoints = [name.strip() for name in args.only.split(",") if name.strip()] or list(ENDPOINTS)
    profiled = {name.strip() for name in args.profile.split(";") if name.strip()}
    print(f"load · {machine()}")
    with tempfile.TemporaryDirectory(prefix="kdweb-load-") as folder, fresh_database("postgresql", "load") as url:
        started = time.perf_counter()
        app, district = seed_district(url, args.size)
        unit, members = pick_unit(app, args.members)
        print(f"{args.size} demo loaded in {time.perf_counter() - started:.0f} s: {len(district.reporting_units)} "
              f"reporting units, {len(district.persons):,} members; uploads as {unit} ({members} members)")
        log = Path(folder) / "gunicorn.log"
        with gunicorn(url, args.workers, str(log)) as (base, server):
            plan = prepare(app, district, base, unit, args.clients, Path(folder))
            plan["database"] = make_url(url).database
            print(f"gunicorn --workers {args.workers} at {base}; {args.clients} clients per scenario, "
                  f"{args.seconds} s each; first upload: {plan['first_upload']}")
            scenarios = [(endpoint, pause, args.clients) for endpoint in endpoints for pause in ((0, 0), paced)]
            if "dashboard" in endpoints:  # the page's own latency, without 49 others queueing in front of it
                scenarios.insert(0, ("dashboard", (0, 0), 1))
            results = []
            for endpoint, pause, clients in scenarios:
                label = f"{endpoint}, {'no pause' if pause == (0, 0) else f'{pause[0]:g}-{pause[1]:g} s pause'}"
                label += ", 1 client" if clients == 1 else ""
                plan["first_number"] = 1 + 100_000 * len(results)  # each run's changed cells are new
                results.append(run(label, endpoint, pause, clients, plan, base, server, args, Path(folder),
                                   profile=label in profiled))
            versions = count_versions(app, unit)
        print()
        print(f"Under load: {args.clients} clients (unless said) from locust on 127.0.0.1, "
              f"gunicorn --workers {args.workers}, PostgreSQL, {args.size} demo; {args.seconds} s per scenario")
        print_table(["scenario", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors",
                     "app CPU ms/req", "db CPU ms/req", "machine: app+db", "locust"], [row["cells"] for row in results])
        for row in results:
            if row["endpoint"].startswith("dashboard"):
                verdict = "met" if row["p95"] < TARGET_P95_MS and not row["errors"] else "MISSED"
                print(f"target dashboard p95 < {TARGET_P95_MS} ms, no errors ({row['label']}): {verdict}")
        print(f"versions of {unit} after the run: {versions}; gunicorn log: "
              f"{sum(1 for line in log.read_text().splitlines() if 'Traceback' in line)} tracebacks; "
              f"load average {os.getloadavg()[0]:.1f} at the end")
        for row in results:
            if row["failures"]:
                print(f"errors in {row['label']}: " + "; ".join(f"{count} × {message}"
                                                               for message, count in row["failures"].most_common(3)))
        for row in results:
            if row.get("profile"):
                print()
                print(f"py-spy profile of the gunicorn workers, {row['label']}:")
                print(row["profile"])
        app_dispose(app)


def pick_unit(app, members: int) -> tuple[str, int]:
    """A unit still allowed to upload (its result not submitted) whose roster is nearest `members`."""
    from kdweb.extensions import db
    from kdweb.models import Person, Unit, UnitCycle

    with app.app_context():
        rows = db.session.execute(
            db.select(Unit.code, db.func.count(Person.id)).join(UnitCycle, UnitCycle.unit_id == Unit.id)
            .join(Person, Person.grassroots_id == Unit.id)
            .where(UnitCycle.status == "valid").group_by(Unit.code)
        ).all()
        db.session.remove()
    return min(rows, key=lambda row: (abs(row[1] - members), row[0]))


def prepare(app, district, base, unit, clients, folder: Path) -> dict:
    """Log every client in, fill the unit's real workbook with one marked cell, upload it once, warm up."""
    reviewer = next(u for u in district.users if u.role == "reviewer")
    staff = next(u for u in district.users if u.role == "staff" and u.unit_code == unit)
    sessions = {"reviewer": [], "staff": []}
    for role, user in (("reviewer", reviewer), ("staff", staff)):
        for _ in range(clients):
            browser = Browser(base)
            browser.login(user.login, user.password)
            sessions[role].append({"cookie": browser.session_cookie, "csrf": browser.csrf})
    staff_browser = Browser(base)
    staff_browser.login(staff.login, staff.password)
    status, _, template = staff_browser.get(f"/units/{unit}/workbook.xlsx")
    assert status == 200, status
    workbook = folder / "filled.xlsx"
    workbook.write_bytes(fill_workbook(app, unit, template))
    status, _, body = staff_browser.upload(f"/units/{unit}/uploads", "ket-qua.xlsx", workbook.read_bytes())
    assert status == 200 and "Kết quả kiểm tra · phiên bản" in body.decode(), (status, body.decode()[-1200:])
    workbook_variant(workbook.read_bytes(), MARKER, 1)  # the marker is where the variants expect it
    reviewer_browser = Browser(base)
    reviewer_browser.login(reviewer.login, reviewer.password)
    for _ in range(12):  # every worker compiles its templates and queries before the clock starts
        reviewer_browser.get("/review/")
        staff_browser.get(f"/units/{unit}")
    return {"unit": unit, "sessions": sessions, "workbook": str(workbook), "marker": MARKER,
            "first_upload": latest_upload(app, unit)}


def fill_workbook(app, unit_code: str, template: bytes) -> bytes:
    """Rated as the unit's staff would (tests/workbooks.py), plus one member's remarks set to MARKER."""
    sys.path.insert(0, str(ROOT))
    from tests.workbooks import clean_values, fill

    from kdweb.extensions import db
    from kdweb.models import Cycle, Unit
    from kdweb.rules import SubjectKind
    from kdweb.services.roster import roster_batch

    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        batch = roster_batch(cycle, db.session.execute(db.select(Unit).filter_by(code=unit_code)).scalar_one())
        db.session.remove()
    values = clean_values(batch)
    marked = batch.members[0].code

    def values_for(kind, code):
        row = values(kind, code)
        return {**(row or {}), "remarks": MARKER} if kind is SubjectKind.MEMBER and code == marked else row

    return fill(template, values_for)


def latest_upload(app, unit_code: str) -> str:
    from kdweb.extensions import db
    from kdweb.models import Unit, Upload

    with app.app_context():
        upload = db.session.execute(db.select(Upload).join(Unit, Upload.unit_id == Unit.id)
                                    .where(Unit.code == unit_code).order_by(Upload.version.desc())).scalars().first()
        text = (f"version {upload.version}, {upload.size / 1024:.0f} KB, outcome {upload.outcome}, "
                f"{upload.error_count} errors, {upload.warning_count} warnings")
        db.session.remove()
    return text


def count_versions(app, unit_code: str) -> int:
    from kdweb.extensions import db
    from kdweb.models import Unit, Upload

    with app.app_context():
        count = db.session.scalar(db.select(db.func.count(Upload.id)).join(Unit, Upload.unit_id == Unit.id)
                                  .where(Unit.code == unit_code))
        db.session.remove()
    return count


def run(label, endpoint, pause, clients, plan, base, server, args, folder: Path, profile: bool) -> dict:
    user_class, _ = ENDPOINTS[endpoint]
    output = folder / "samples.json"
    output.unlink(missing_ok=True)
    scenario = {**plan, "sessions": plan["sessions"]["reviewer" if endpoint.startswith("dashboard") else "staff"],
                "pause": pause, "output": str(output), "mode": "identical" if "identical" in endpoint else "new"}
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(scenario))
    command = [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
               "-u", str(clients), "-r", str(clients), "-t", f"{args.seconds}s", "--stop-timeout", "120",
               "--host", base, "--only-summary", "--loglevel", "WARNING", user_class]
    database = plan["database"]
    cpu_before = cpu_times(server.pid, database)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.monotonic()
    locust = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "KDWEB_LOAD_PLAN": str(plan_file)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    spy = start_profile(server.pid, args.seconds, folder) if profile else None
    locust_out, _ = locust.communicate(timeout=args.seconds + 300)
    wall = time.monotonic() - wall
    cpu_after = cpu_times(server.pid, database)
    cpu = collections.Counter()
    for (kind, pid), used in cpu_after.items():  # processes alive at both ends: others' exits don't count
        cpu[kind] += used - cpu_before.get((kind, pid), 0)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, now ended (py-spy is not reaped yet)
    cpu["load"] = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    samples = json.loads(output.read_text()) if output.exists() else []
    if not samples:
        raise RuntimeError(f"{label}: locust recorded nothing\n{locust_out[-3000:]}")
    times = [sample[1] for sample in samples]
    failures = collections.Counter(sample[2] for sample in samples if sample[2])
    errors = sum(failures.values())
    span = max(s[0] + s[1] / 1000 for s in samples) - min(s[0] for s in samples)
    machine_seconds = wall * os.cpu_count() / 100
    row = {"label": label, "endpoint": endpoint, "p95": percentile(times, 95), "errors": errors,
           "failures": failures}
    row["cells"] = [label, len(times), f"{len(times) / span:.1f}", f"{percentile(times, 50):.0f}",
                    f"{row['p95']:.0f}", f"{percentile(times, 99):.0f}", f"{max(times):.0f}", errors,
                    f"{cpu['app'] * 1000 / len(times):.0f}", f"{cpu['db'] * 1000 / len(times):.0f}",
                    f"{(cpu['app'] + cpu['db']) / machine_seconds:.0f}%", f"{cpu['load'] / machine_seconds:.0f}%"]
    if spy is not None:
        row["profile"] = finish_profile(spy, folder)
    print(f"  {label}: {len(times)} requests, p95 {row['p95']:.0f} ms, {errors} errors", flush=True)
    return row


# --- where the CPU goes ----------------------------------------------------------------------------------------
def cpu_times(server_pid: int, database: str) -> dict[tuple[str, int], float]:
    """CPU seconds so far, by process: the gunicorn master and workers ("app"), and the PostgreSQL backends
    serving the benchmark's database ("db")."""
    ticks = os.sysconf("SC_CLK_TCK")
    times = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        pid, parent = int(entry.name), int(fields[1])
        used = (int(fields[11]) + int(fields[12])) / ticks
        if pid == server_pid or parent == server_pid:
            times[("app", pid)] = used
        elif command.startswith("postgres:") and f" {database} " in command:
            times[("db", pid)] = used
    return times


def start_profile(server_pid: int, seconds: int, folder: Path):
    duration = max(3, seconds - 4)
    time.sleep(2)  # let the clients start
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/py-spy"), "record", "--pid", str(server_pid), "--subprocesses", "--duration",
         str(duration), "--rate", "200", "--format", "raw", "--output", str(folder / "profile.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def finish_profile(spy, folder: Path, top: int = 18) -> str:
    spy.wait(timeout=120)
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in (folder / "profile.txt").read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [short(frame) for frame in stack.split(";")[1:]]  # the first frame is the process
        if not frames or any(frame.startswith(IDLE) for frame in frames):
            continue
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    lines = [f"{total} samples of busy workers at 200 Hz; share of the samples in which a function is on the stack "
             "(kdweb code, templates and the libraries' entry points), then the functions the time is spent in"]
    ours = [(frame, count) for frame, count in inclusive.most_common()
            if any(mark in frame for mark in ("kdweb/", "templates/", ".html", "sqlalchemy/orm/session.py",
                                              "sqlalchemy/engine/base.py", "jinja2/environment.py"))]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in ours[:top]]
    lines.append("  self time:")
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in own.most_common(top)]
    return "\n".join(lines)


def short(frame: str) -> str:
    """"name (path/to/site-packages/lib/file.py:12)" → "name (lib/file.py)"."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for anchor in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if anchor in where:
            where = where.split(anchor, 1)[1]
    return f"{name} ({where})"


def app_dispose(app):
    from kdweb.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
