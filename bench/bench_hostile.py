"""What each hostile class costs: the answer, the time, and the memory of the sandbox worker that read it.

    .venv/bin/python bench/bench_hostile.py

Each file is built from a freshly made 100-member workbook (tests/security/hostile_files.py) and checked as an
upload is: guards, then the read, in a pre-started sandbox worker with the app's default limits. Printed per
class: the answer, the wall time of the whole check, the worker's peak RSS (VmHWM) and how much this process's
RSS grew (the web worker's side: it only sends bytes and receives the small answer).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_excel import READ_OPTIONS, filled  # noqa: E402

from kdweb import isolation  # noqa: E402
from kdweb.excel import outcome  # noqa: E402
from tests.security import hostile_files  # noqa: E402


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def checked_with_peak(data: bytes) -> tuple[str, int]:
    """Runs in the sandbox worker: the check's answer, and the worker's peak RSS in kB."""
    result = outcome.check(data, **READ_OPTIONS)
    answer = result.problem.code if not result.ok else f"read: {len(result.errors)} errors"
    return answer, _status_kb("VmHWM")


CLASSES = {
    "worksheet part in another folder": hostile_files.sheet_elsewhere,
    "cell tag across the 1 MiB chunk": hostile_files.tag_across_chunk,
    "shared string x 10,000 cells": hostile_files.expanding_shared_string,
    "shared string under the budget (32 MB)": lambda good: hostile_files.expanding_shared_string(good, cells=1_000),
    "entity bomb in a .dat part": hostile_files.entity_bomb_elsewhere,
    "40 tabs of A1:AX49999, renamed tab": hostile_files.many_large_sheets,
    "3 extra tabs, 240,000 cells": lambda good: hostile_files.many_cells(good, sheets=3, rows=2_000, columns=40),
}


def main() -> None:
    limits = isolation.SandboxLimits()
    good = filled(100)
    print(f"Hostile classes, each checked in a fresh sandbox worker (limits: {limits.memory_mb} MB over idle, "
          f"{limits.cpu_seconds} s CPU, {limits.wall_seconds:g} s wall, {limits.output_mb} MB answer); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    header = f"{'class':<40} {'file KB':>8} | {'answer':<28} {'wall s':>7} {'worker peak MB':>14} {'caller +MB':>10}"
    print(header)
    print("-" * len(header))
    for name, build in CLASSES.items():
        data = build(good)
        isolation.shutdown()
        isolation.prestart(limits)
        isolation.run(limits, outcome.check, good, **READ_OPTIONS)  # the worker warm, as in service
        before = _status_kb("VmRSS")
        started = time.perf_counter()
        try:
            answer, peak_kb = isolation.run(limits, checked_with_peak, data)
        except isolation.SandboxRefused as refused:
            answer, peak_kb = f"sandbox: {refused.kind}", 0
        wall = time.perf_counter() - started
        grown = (_status_kb("VmRSS") - before) / 1024
        peak = f"{peak_kb / 1024:.0f}" if peak_kb else "killed"
        print(f"{name:<40} {len(data) / 1024:>8.0f} | {answer:<28} {wall:>7.2f} {peak:>14} {grown:>10.1f}")
    isolation.shutdown()


if __name__ == "__main__":
    main()
