"""The roster import's reading and preview of a district's roster file: CPU in the web request before (read and
checked in the request) and after (the request stores the file and enqueues a job; a worker reads and checks it).

The file is the full demo district's roster as the app's own export writes it ("Tải danh sách hiện tại"), about
16,000 members. Each turn runs both contenders, one after the other, in alternating order; CPU is this process's
(time.process_time) plus the sandbox workers' that read the file (kdweb/isolation.py: a web or worker process reads
untrusted bytes in child processes of its own), from /proc. The enqueue itself (one push to Redis or to the SQLite
queue file) is left out: the job is handed to this process's hand instead, then run as a worker runs it.

    .venv/bin/python bench/bench_roster_preview.py [--turns 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_database, machine, print_table, seed_district  # noqa: E402

from kdweb import isolation  # noqa: E402
from kdweb.extensions import db  # noqa: E402
from kdweb.models import BulkJob, Cycle, User  # noqa: E402
from kdweb.queue import current_queue  # noqa: E402
from kdweb.services import jobs, untrusted  # noqa: E402
from kdweb.services.admin import roster_import as import_service, roster_jobs  # noqa: E402
from kdweb.services.admin.roster_template import roster_export  # noqa: E402
from tests.sandbox_workers import sandbox_worker_pids  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def sandbox_cpu() -> float:
    """CPU seconds used so far by this process's sandbox workers (alive ones; a worker is kept between tasks)."""
    total = 0
    for pid in sandbox_worker_pids():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def cpu_of(step) -> tuple[float, float, object]:
    """(this process's CPU, the sandbox's CPU, result) of step()."""
    start, start_sandbox = time.process_time(), sandbox_cpu()
    result = step()
    return time.process_time() - start, sandbox_cpu() - start_sandbox, result


def in_request(admin, content: bytes):
    """Before: the upload reads the file, and the page reads it again and checks every row."""
    kept = import_service.receive_file(admin, "danh-sach-dang-vien.xlsx", content)
    return import_service.preview(kept)


def by_job(admin, content: bytes):
    """After: the upload keeps the file, the page enqueues its preview job (held here, run below)."""
    kept = import_service.receive_file(admin, "danh-sach-dang-vien.xlsx", content)
    return roster_jobs.start_preview(admin, kept, sheet=None, header_row=None, mapping=None).id


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=3, help="interleaved turns of both contenders")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    print(machine())
    with fresh_database("sqlite", "preview") as url:
        app = seed_district(url, "full", results=False)[0]
        with app.test_request_context():
            cycle = db.session.execute(db.select(Cycle)).scalar_one()
            admin_id = db.session.execute(db.select(User.id).filter_by(role="admin")).scalars().first()
            content = roster_export(cycle)
            held: list[int] = []
            current_queue().enqueue_job = lambda job_id, delay=0: held.append(job_id)
            isolation.prestart(untrusted.limits())
            in_request(db.session.get(User, admin_id), content)  # warm: the sandbox workers import their readers once
            results = {"before": [], "after": [], "job": []}
            members = 0
            for turn in range(args.turns):
                for contender in (("before", "after") if turn % 2 == 0 else ("after", "before")):
                    admin = db.session.get(User, admin_id)
                    if contender == "before":
                        app.config["KDWEB_ROSTER_PREVIEW_IN_REQUEST_BYTES"] = len(content)
                        own, sandbox, preview = cpu_of(lambda: in_request(admin, content))
                        members = len(preview.dry_run.unchanged)
                        results["before"].append((own, sandbox))
                    else:
                        app.config["KDWEB_ROSTER_PREVIEW_IN_REQUEST_BYTES"] = import_service.PREVIEW_IN_REQUEST_BYTES
                        own, sandbox, job_id = cpu_of(lambda: by_job(admin, content))
                        results["after"].append((own, sandbox))
                        job_own, job_sandbox, _ = cpu_of(lambda: jobs.execute(job_id))
                        job = db.session.get(BulkJob, job_id)
                        assert job.state == "done", job.error
                        results["job"].append((job_own, job_sandbox))
                    db.session.remove()

    def row(label, samples):
        own = statistics.median(sample[0] for sample in samples)
        sandbox = statistics.median(sample[1] for sample in samples)
        return [label, f"{own * 1000:.1f}", f"{sandbox * 1000:.1f}", f"{(own + sandbox) * 1000:.1f}"]

    before = statistics.median(sum(sample) for sample in results["before"])
    after = statistics.median(sum(sample) for sample in results["after"])
    print(f"file: {len(content) / 1e3:.0f} KB, {members:,} members; {args.turns} interleaved turns, medians")
    print_table(["CPU ms", "this process", "sandbox", "total"], [
        row("before: upload + page, read and checked in the request", results["before"]),
        row("after: upload + page, stored and enqueued", results["after"]),
        row("after: the preview job on a worker", results["job"]),
    ])
    print(f"request CPU after ÷ before: {after / before:.3f}×  (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
