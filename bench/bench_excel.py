"""Benchmark of the unit workbook: reading (ours against bare readers), writing, and memory.

    .venv/bin/python bench/bench_excel.py            # 100, 1,000 and 10,000 member rows
    .venv/bin/python bench/bench_excel.py --quick    # 100 and 1,000 only
    .venv/bin/python bench/bench_excel.py --sandbox  # only what the sandbox costs per upload

For each size it builds the unit's template, fills every member row as a user would (openpyxl), and times on
the same bytes: our read + validate (kdweb.excel.validate_upload: guards, calamine, records, rule book), the
bare calamine parse (every sheet to Python lists), openpyxl read-only, and tablib. Medians of several runs;
ours and bare calamine take turns, and "paired" is the median of their ratio within each turn.
Then the template for a 500-member unit, and the peak memory of reading a ~10 MB workbook in a fresh process.
"""
from __future__ import annotations

import argparse
import io
import os
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import tablib  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from kdweb import isolation  # noqa: E402
from kdweb.excel import CycleInfo, Roster, UnitInfo, build_workbook, outcome, read_upload, validate_upload  # noqa: E402
from kdweb.excel.columns import FIRST_DATA_ROW, SHEET_NAMES, sheet_specs  # noqa: E402
from kdweb.rules import MemberRecord, OrganisationRecord, UnitKind, SubjectKind, get_rule_set  # noqa: E402

SECRET = b"bench-secret"
VERSION = "bench.1"
UNIT = UnitInfo("BD", "Đảng bộ phường Điện Biên", "grassroots")
CYCLE = CycleInfo(2024, "qd132-hd21", date(2024, 11, 30), date(2024, 12, 15), date(2024, 12, 31))
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
GIVEN = ("Văn An", "Thị Bích", "Hữu Cường", "Thị Dung", "Minh Đức", "Thu Hà", "Quang Huy", "Thị Lan", "Đức Long")
READ_OPTIONS = {"secret": SECRET, "expected_unit_code": UNIT.code, "open_cycle_year": CYCLE.year,
                "known_template_versions": {VERSION}}


def roster(members: int) -> Roster:
    people = [
        MemberRecord(
            code=f"DV{n:06d}", name=f"{FAMILY[n % len(FAMILY)]} {GIVEN[n % len(GIVEN)]}", unit_code=UNIT.code,
            cell_code=f"CB{n % 40:02d}", cell_name=f"Chi bộ khu dân cư số {n % 40}",
            birth_date=date(1940 + n % 60, 1 + n % 12, 1 + n % 28), admitted_on=date(1970 + n % 50, 1 + n % 12, 3),
            probationary=n % 31 == 0,
        )
        for n in range(members)
    ]
    cells = [OrganisationRecord(code=f"CB{n:02d}", name=f"Chi bộ khu dân cư số {n}", unit_code=UNIT.code,
                                kind=UnitKind.CELL, parent_code=UNIT.code, group="Chi bộ khu dân cư") for n in range(40)]
    return Roster(members=people, organisations=cells)


def template(members: int) -> bytes:
    return build_workbook(UNIT, CYCLE, roster(members), template_version=VERSION, secret=SECRET)


def filled(members: int, remarks: int = 0) -> bytes:
    """Every subject rated as a user would fill it: short forms, a few HTXSNV within the quota."""
    book = openpyxl.load_workbook(io.BytesIO(template(members)))
    specs = {spec.kind: spec for spec in sheet_specs(get_rule_set(CYCLE.rule_set_id))}
    for kind, count in ((SubjectKind.MEMBER, members), (SubjectKind.ORGANISATION, 40)):
        spec, sheet = specs[kind], book[SHEET_NAMES[kind]]
        grades = [spec.columns.index(column) + 1 for column in spec.columns if column.key.startswith("grade:")]
        level = spec.columns.index(next(c for c in spec.columns if c.key == "level")) + 1
        note = spec.columns.index(next(c for c in spec.columns if c.key == "remarks")) + 1
        for offset in range(count):
            row = FIRST_DATA_ROW + offset
            excellent = offset % 10 == 0
            for column in grades:
                sheet.cell(row, column, "Xuất sắc" if excellent else "Tốt")
            sheet.cell(row, level, "HTXSNV" if excellent else "Hoàn thành tốt nhiệm vụ")
            if remarks:
                sheet.cell(row, note, _remark(offset, remarks))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _remark(seed: int, length: int) -> str:
    words, state = [], seed * 2654435761 % 2**32
    while sum(len(word) + 1 for word in words) < length:
        state = (state * 1103515245 + 12345) % 2**31
        words.append(FAMILY[state % len(FAMILY)] + GIVEN[(state >> 8) % len(GIVEN)] + str(state % 997))
    return " ".join(words)[:length]


def ours(data: bytes) -> None:
    result = validate_upload(data, **READ_OPTIONS)
    assert result.ok and not result.errors, (result.problem, result.errors[:3])


def ours_read_only(data: bytes) -> None:
    assert read_upload(data, **READ_OPTIONS).ok


def bare_calamine(data: bytes) -> None:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


def openpyxl_read_only(data: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    workbook.close()


def tablib_parse(data: bytes) -> None:
    tablib.Databook().load(data, "xlsx")


def median_ms(function, data, runs: int, clock=time.perf_counter) -> float:
    function(data)  # warm: imports, caches
    times = []
    for _ in range(runs):
        started = clock()
        function(data)
        times.append(clock() - started)
    return statistics.median(times) * 1000


READERS = (("ours", ours), ("ours_read", ours_read_only), ("calamine", bare_calamine),
           ("openpyxl", openpyxl_read_only), ("tablib", tablib_parse))
PAIRED = READERS[:3]  # the readers that take turns


def read_table(sizes, runs) -> dict[str, list[dict]]:
    """Per clock (wall, CPU of this process), a row per size: the median of each reader on the same bytes.
    Ours and bare calamine take turns, run after run, so that a busy moment of the machine falls on both alike;
    `paired` is the median of ours ÷ calamine within each turn. openpyxl and tablib, far slower, run after."""
    tables = {"wall": [], "cpu": []}
    for size in sizes:
        data = filled(size)
        turns = runs * 5 if size < 1_000 else runs  # small reads: more turns, for steadier medians
        slow_turns = runs if size < 10_000 else max(3, runs // 2)  # openpyxl and tablib take seconds at 10,000
        spent = {clock: {name: [] for name, _ in READERS} for clock in tables}
        for group, count in ((PAIRED, turns), (READERS[len(PAIRED):], slow_turns)):
            for _, function in group:
                function(data)  # warm: imports, caches
            for _ in range(count):
                for name, function in group:
                    wall, cpu = time.perf_counter(), time.process_time()
                    function(data)
                    spent["cpu"][name].append(time.process_time() - cpu)
                    spent["wall"][name].append(time.perf_counter() - wall)
        for clock, times in spent.items():
            row = {"rows": size, "kb": len(data) / 1024}
            row.update({name: statistics.median(values) * 1000 for name, values in times.items()})
            row["paired"] = statistics.median(ours / bare for ours, bare in zip(times["ours"], times["calamine"]))
            tables[clock].append(row)
    return tables


def print_read_table(rows, clock: str) -> None:
    print(f"Reading a filled unit workbook: median {clock}, ms (same bytes for every reader; ours and calamine taking turns)")
    header = (f"{'member rows':>11} {'file KB':>8} | {'ours: read+validate':>19} {'(read only)':>11} | "
              f"{'calamine bare':>13} {'openpyxl r/o':>12} {'tablib':>8} | {'ours/calamine':>13} {'paired':>7} "
              f"{'openpyxl/ours':>13}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['rows']:>11,} {row['kb']:>8.0f} | {row['ours']:>19.1f} {row['ours_read']:>11.1f} | "
              f"{row['calamine']:>13.1f} {row['openpyxl']:>12.1f} {row['tablib']:>8.1f} | "
              f"{row['ours'] / row['calamine']:>12.2f}x {row['paired']:>6.2f}x {row['openpyxl'] / row['ours']:>12.1f}x")


SANDBOX = isolation.SandboxLimits(workers=1)  # the app's defaults, one worker: its CPU time is read below


def checked_in_process(data: bytes) -> None:
    assert outcome.check(data, **READ_OPTIONS).ok


def checked_in_sandbox(data: bytes) -> None:
    assert isolation.run(SANDBOX, outcome.check, data, **READ_OPTIONS).ok


def _cpu_ns(pid: int) -> int:
    """A process's time on a CPU so far, in ns (schedstat: finer than /proc/<pid>/stat's 10 ms ticks)."""
    with open(f"/proc/{pid}/schedstat") as schedstat:
        return int(schedstat.read().split()[0])


def sandbox_table(sizes, runs) -> dict[str, list[dict]]:
    """What the sandbox costs per upload: the same check (guards, read, rules, the small answer) in this
    process and in a pre-started sandbox worker, beside the bare calamine parse and our guards+read, all four
    taking turns. Wall time, and CPU time: this process's, plus for the sandboxed check the worker's (read from
    /proc/<pid>/schedstat), so that a busy machine does not hide or invent a cost. Isolation = sandboxed − in
    process, paired within each turn."""
    tables = {"wall": [], "cpu": []}
    isolation.prestart(SANDBOX)
    functions = (("calamine", bare_calamine), ("read", ours_read_only), ("here", checked_in_process),
                 ("sandbox", checked_in_sandbox))
    for size in sizes:
        data = filled(size)
        for _, function in functions:
            function(data)
        worker = isolation.worker_pids()[0]
        times = {clock: {name: [] for name, _ in functions} for clock in tables}
        for _ in range(runs * 5 if size < 1_000 else runs * 2):
            for name, function in functions:
                worker_before = _cpu_ns(worker) if name == "sandbox" else 0
                wall, cpu = time.perf_counter(), time.process_time()
                function(data)
                times["cpu"][name].append(time.process_time() - cpu
                                          + ((_cpu_ns(worker) - worker_before) / 1e9 if name == "sandbox" else 0))
                times["wall"][name].append(time.perf_counter() - wall)
        assert isolation.worker_pids() == [worker], "the sandbox worker was replaced during the run"
        for clock, spent in times.items():
            row = {"rows": size, "kb": len(data) / 1024}
            row.update({name: statistics.median(values) * 1000 for name, values in spent.items()})
            row["isolation"] = statistics.median((boxed - here) * 1000 for boxed, here in zip(spent["sandbox"], spent["here"]))
            row["isolation_ratio"] = statistics.median(
                (boxed - here) / bare for boxed, here, bare in zip(spent["sandbox"], spent["here"], spent["calamine"]))
            row["read_ratio"] = statistics.median(read / bare for read, bare in zip(spent["read"], spent["calamine"]))
            tables[clock].append(row)
    return tables


def print_sandbox_table(rows, clock: str) -> None:
    print(f"The sandbox's cost per upload: median {clock}, ms (calamine, guards+read, the check here, the check in "
          "the sandbox, taking turns)")
    header = (f"{'member rows':>11} {'file KB':>8} | {'calamine bare':>13} {'guards+read':>11} {'check here':>10} "
              f"{'in sandbox':>10} | {'isolation':>9} {'isolation/calamine':>18} {'guards+read/calamine':>20}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['rows']:>11,} {row['kb']:>8.0f} | {row['calamine']:>13.1f} {row['read']:>11.1f} "
              f"{row['here']:>10.1f} {row['sandbox']:>10.1f} | {row['isolation']:>9.1f} "
              f"{row['isolation_ratio']:>17.2f}x {row['read_ratio']:>19.2f}x")


def template_time(runs: int, clock) -> float:
    people = roster(500)
    function = lambda _: build_workbook(UNIT, CYCLE, people, template_version=VERSION, secret=SECRET)  # noqa: E731
    return median_ms(function, None, runs, clock)


_MEMORY_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})


def peak_kb():
    # VmHWM is this process's own high-water mark; ru_maxrss can carry the parent's from before exec
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


from kdweb.excel import validate_upload
data = open({path!r}, "rb").read()
baseline = peak_kb()
started = time.perf_counter()
result = validate_upload(data, secret={secret!r}, expected_unit_code={unit!r}, open_cycle_year={year},
                         known_template_versions={{{version!r}}})
elapsed = time.perf_counter() - started
print(json.dumps({{"ok": result.ok, "errors": len(result.errors), "members": len(result.batch.members),
                  "baseline_kb": baseline, "peak_kb": peak_kb(), "seconds": elapsed}}))
"""


def with_scan(data: bytes, megabytes: float) -> bytes:
    """The workbook with a scanned page pasted in (an incompressible image part), as units do."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        scan = random.Random(174).randbytes(int(megabytes * 1024 * 1024))
        target.writestr("xl/media/image1.jpeg", b"\xff\xd8\xff\xe0" + scan, zipfile.ZIP_STORED)
    return buffer.getvalue()


def memory_of_big_read(rows: int, remarks: int, scan_megabytes: float) -> dict:
    data = with_scan(filled(rows, remarks=remarks), scan_megabytes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.xlsx"
        path.write_bytes(data)
        script = _MEMORY_CHILD.format(root=str(ROOT), path=str(path), secret=SECRET, unit=UNIT.code,
                                      year=CYCLE.year, version=VERSION)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["mb"] = len(data) / 1024 / 1024
    report["rows"] = rows
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 rows only, fewer runs")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sandbox", action="store_true", help="only the sandbox's cost per upload")
    options = parser.parse_args()
    sizes = (100, 1_000) if options.quick else (100, 1_000, 10_000)
    runs = 5 if options.quick else options.runs
    print(f"kdweb.excel benchmark: Python {platform.python_version()}, python-calamine {version('python-calamine')}, "
          f"openpyxl {version('openpyxl')}, tablib {version('tablib')}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print()
    sandbox = sandbox_table(sizes, runs)
    print_sandbox_table(sandbox["wall"], "wall time")
    print()
    print_sandbox_table(sandbox["cpu"], "CPU time (this process, plus the sandbox worker's for the sandboxed check)")
    print("targets: isolation at most 0.3x of the calamine parse at 10,000 rows; guards+read within 2x of calamine "
          "(ratios: medians of the paired turns)")
    print()
    if options.sandbox:
        return
    tables = read_table(sizes, runs)
    print_read_table(tables["wall"], "wall time")
    print()
    print_read_table(tables["cpu"], "CPU time of this process (steadier on a shared machine)")
    print("target: ours within 2x of the bare calamine parse")
    print()
    wall, cpu = template_time(runs, time.perf_counter), template_time(runs, time.process_time)
    print(f"Template for a 500-member unit: {wall:.1f} ms median wall, {cpu:.1f} ms CPU (target 150 ms)")
    print()
    print(f"load average now {os.getloadavg()[0]:.1f}")
    big = memory_of_big_read(rows=1_000 if options.quick else 10_000, remarks=150, scan_megabytes=9.0)
    print(
        f"Reading a {big['mb']:.1f} MB workbook ({big['rows']:,} member rows with remarks, and a 9 MB scan pasted "
        f"in) in a fresh process: "
        f"peak RSS {big['peak_kb'] / 1024:.0f} MB ({big['baseline_kb'] / 1024:.0f} MB after imports, "
        f"+{(big['peak_kb'] - big['baseline_kb']) / 1024:.0f} MB for the read); {big['seconds'] * 1000:.0f} ms; "
        f"{big['members']:,} records, {big['errors']} errors (target < 150 MB)"
    )


if __name__ == "__main__":
    main()
