"""Peak memory of checking a very large upload, as the sandbox checks it.

    .venv/bin/python bench/bench_memory.py                      # 30,000 members, 500-character remarks
    .venv/bin/python bench/bench_memory.py --members 10000 --runs 3

1. Build: the demo district on SQLite; its largest tổ chức cơ sở đảng gets members copied from its own until it
   has --members; its staff download the workbook through the app (GET /units/<code>/workbook.xlsx, signed in
   the current layout) and, as a second contender, the same roster signed in the previous layout (1). Both are
   filled as a user fills them: a level for every member (a few of each level), the reason of those not rated,
   the civil-service rating, long remarks.
2. Measure: each contender in a fresh process started through a shell (ru_maxrss survives fork and exec), turns
   interleaved: the process imports what a sandbox worker imports (`kdweb.isolation.PRELOAD`), then does what
   the worker does for an upload check — `kdweb.excel.outcome.check` with the roster of record (what the app
   sends: none when the workbook was issued for the roster as it stands) on the path of the file, as
   services/uploads.read hands it over (the code before, --main: on the bytes), then pickles the answer — and prints its peak RSS (ru_maxrss and VmHWM) in total; a second run of the same process resets
   the high-water mark (/proc/self/clear_refs) before each stage and prints each stage's own peak. Then the real
   sandbox: a pool of one worker, `isolation.run(outcome.check, ...)`, and the worker's VmHWM.
   With --main PATH (a checkout of the code before this change, e.g. `git worktree add --detach /tmp/main main`),
   both workbooks are also read by that code, in the same interleaved turns.
Target: peak RSS <= 150 MB for the process that reads the 30,000-row workbook.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CSRF_META, ROOT, fresh_database, machine, print_table, seed_district  # noqa: E402

TARGET_MB = 150
LEVEL_MIX = ("HTTNV",) * 14 + ("HTXSNV",) * 3 + ("HTNV",) * 2 + ("KHTNV",)  # a few of each, mostly HTTNV


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--remarks", type=int, default=500, help="characters of remarks per member row")
    parser.add_argument("--runs", type=int, default=3, help="interleaved turns per contender")
    parser.add_argument("--main", help="a checkout of the code before this change, to read the layout-1 file")
    parser.add_argument("--keep", help="a folder to keep the workbooks in (and to take them from, when there)")
    args = parser.parse_args()
    print(f"memory · {machine()}")
    folder = Path(args.keep or tempfile.mkdtemp(prefix="kdweb-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = kept(folder) or build(folder, args.members, args.remarks)
    contenders = [("current layout, this code", files["current"], ROOT, files["options"]),
                  ("layout 1 (issued before), this code", files["layout1"], ROOT, files["options"])]
    if args.main:  # the same files and options, read by the code before
        contenders += [("current layout, the code before (--main)", files["current"], Path(args.main).resolve(),
                        files["options"]),
                       ("layout 1, the code before (--main)", files["layout1"], Path(args.main).resolve(),
                        files["options"])]
    results = {name: [] for name, _, _, _ in contenders}
    stages = {}
    for turn in range(args.runs):
        for name, path, root, options in contenders:
            results[name].append(measure(path, options, root, stages=False))
            if turn == 0:
                stages[name] = measure(path, options, root, stages=True)
    sandbox = {name: measure(path, options, root, sandbox=True) for name, path, root, options in contenders}
    alone = {name: measure(path, options, root, mode="validate") for name, path, root, options in contenders}

    print()
    print(f"Checking a {files['mb']:.1f} MB workbook ({args.members:,} members, {files['cells']:,} cells, "
          f"{args.remarks}-character remarks) as the sandbox does, each run in a fresh process; "
          f"median of {args.runs} interleaved runs, MB")
    rows = []
    for name, _, _, _ in contenders:
        runs = results[name]
        peak = statistics.median(run["ru_maxrss_kb"] for run in runs) / 1024
        rows.append([name, f"{peak:.0f}", f"{min(r['ru_maxrss_kb'] for r in runs) / 1024:.0f}",
                     f"{max(r['ru_maxrss_kb'] for r in runs) / 1024:.0f}",
                     f"{statistics.median(r['peak_kb'] for r in runs) / 1024:.0f}",
                     f"{statistics.median(r['baseline_kb'] for r in runs) / 1024:.0f}",
                     f"{alone[name]['ru_maxrss_kb'] / 1024:.0f}", f"{sandbox[name]['worker_hwm_kb'] / 1024:.0f}",
                     f"{sandbox[name]['worker_address_space_kb'] / 1024:.0f}",
                     f"{statistics.median(r['cpu'] for r in runs):.2f}", runs[0]["outcome"]])
    print_table(["contender", "peak RSS (ru_maxrss)", "min", "max", "VmHWM", "after imports", "validate_upload alone", "sandbox worker VmHWM",
                 "worker address space added",
                 "CPU s", "result"], rows)
    print()
    print("Peak RSS of each stage (high-water mark reset before it; what earlier stages keep alive included), MB")
    names = list(dict.fromkeys(stage for found in stages.values() for stage in found["stages"]))
    print_table(["stage"] + [name for name, _, _, _ in contenders],
                [[stage] + [f"{stages[name]['stages'][stage] / 1024:.0f}" if stage in stages[name]["stages"] else "-" for name, _, _, _ in contenders]
                 for stage in names])
    ours = statistics.median(run["ru_maxrss_kb"] for run in results[contenders[0][0]]) / 1024
    worker = sandbox[contenders[0][0]]["worker_hwm_kb"] / 1024
    print(f"target peak RSS <= {TARGET_MB} MB (current layout): process {ours:.0f} MB "
          f"({'met' if ours <= TARGET_MB else 'MISSED'}), sandbox worker {worker:.0f} MB "
          f"({'met' if worker <= TARGET_MB else 'MISSED'}); load average now {os.getloadavg()[0]:.1f}")


# --- the workbook, through the app ---------------------------------------------------------------------------
def build(folder: Path, members: int, remarks: int) -> dict:
    with fresh_database("sqlite", "memory") as url:
        app, district = seed_district(url, "small", results=False)
        from kdweb.extensions import db

        with app.app_context():
            unit, cycle = grow_biggest_unit(members)
            code = unit.code
            db.session.remove()
        staff = next(user for user in district.users if user.role == "staff" and user.unit_code == code)
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = "kdweb-bench/1"
        token = CSRF_META.search(client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"login": staff.login, "password": staff.password, "csrf_token": token})
        response = client.get(f"/units/{code}/workbook.xlsx")
        assert response.status_code == 200, response.status_code
        current = response.data
        with app.app_context():
            from kdweb.excel import metadata
            from kdweb.models import Cycle, Unit
            from kdweb.services.roster import roster_batch
            from kdweb.services.uploads import read_options, roster_if_changed

            cycle = db.session.execute(db.select(Cycle)).scalar_one()
            unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()
            batch = roster_batch(cycle, unit)
            options = read_options(cycle, unit)
            options["known_template_versions"] = sorted(options["known_template_versions"])
            roster = roster_if_changed(cycle, unit)
            layout1 = as_layout_1(current, app.config["SECRET_KEY"], metadata)
            db.session.remove()
    values = user_values(batch, remarks)
    paths = {}
    for name, data in (("current", current), ("layout1", layout1)):
        paths[name] = folder / f"{name}.xlsx"
        paths[name].write_bytes(fill(data, values))
    # what the app sends the sandbox (no roster when it is the one the workbook was issued for)
    (folder / "options.pickle").write_bytes(pickle.dumps({**options, "roster_of_record": roster}))
    return kept(folder)


def kept(folder: Path) -> dict | None:
    """The workbooks of an earlier run with --keep, if they are there."""
    paths = {name: folder / f"{name}.xlsx" for name in ("current", "layout1")}
    options = {"options": folder / "options.pickle"}
    if not all(path.exists() for path in [*paths.values(), *options.values()]):
        return None
    return {**paths, **options, "mb": paths["current"].stat().st_size / 1024 / 1024,
            "cells": count_cells(paths["current"])}


def grow_biggest_unit(members: int):
    """The demo's largest tổ chức cơ sở đảng, its roster copied over and over (new codes and names) up to `members`."""
    from sqlalchemy import func

    from kdweb.extensions import db
    from kdweb.models import Cycle, Person, Unit

    cycle = db.session.execute(db.select(Cycle)).scalar_one()
    unit_id = db.session.execute(
        db.select(Person.grassroots_id).group_by(Person.grassroots_id).order_by(func.count().desc()).limit(1)
    ).scalar_one()
    unit = db.session.get(Unit, unit_id)
    grow_unit(unit, members)
    return unit, cycle


def grow_unit(unit, members: int, prefix: str = "MEM") -> None:
    """The unit's members copied over and over, with new codes (`prefix` and a number) and names, until it has
    `members`. The copies stay home: a copy in temporary activity elsewhere would join that unit's roster too."""
    from sqlalchemy import insert

    from kdweb.extensions import db
    from kdweb.models import Person

    pattern = db.session.execute(db.select(Person).filter_by(grassroots_id=unit.id)).scalars().all()
    columns = [column.key for column in Person.__table__.columns if column.key != "id"]
    rows = []
    for n in range(members - len(pattern)):
        person = pattern[n % len(pattern)]
        row = {key: getattr(person, key) for key in columns}
        row.update(code=f"{prefix}{n:07d}", full_name=f"{person.full_name} {n}", temporary_cell_id=None)
        rows.append(row)
    for at in range(0, len(rows), 5000):
        db.session.execute(insert(Person), rows[at:at + 5000])
    db.session.commit()


def as_layout_1(data: bytes, secret, metadata) -> bytes:
    """The same workbook with its metadata sheet signed in layout 1, as the app issued it before layout 2."""
    import io

    from openpyxl import load_workbook

    from python_calamine import CalamineWorkbook

    workbook = load_workbook(io.BytesIO(data))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(metadata.META_SHEET).to_python()
    meta = metadata.WorkbookMeta.from_payload(metadata.signed_meta(rows).payload)
    legacy = dataclasses.replace(meta, layout=1)
    sheet = workbook[metadata.META_SHEET]
    sheet.delete_rows(1, sheet.max_row)
    for key, value in metadata.meta_rows(legacy, secret):
        sheet.append([key, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def user_values(batch, remarks: int):
    """What a unit's staff type: clean_values' levels, reasons and civil-service ratings, a mix of levels (the
    task criteria "Xuất sắc" where HTXSNV asks for it), and long remarks different on every row."""
    from tests.workbooks import clean_values

    from kdweb.rules import Grade, Level, SubjectKind, get_rule_set

    clean = clean_values(batch)
    tasks = [criterion.field for criterion in get_rule_set("qd132-hd21").criteria_of(SubjectKind.MEMBER) if criterion.task]
    numbers = {member.code: n for n, member in enumerate(batch.members)}
    rng = random.Random(21)

    def values_for(kind, code):
        row = clean(kind, code)
        if kind is SubjectKind.MEMBER and row is not None:
            row = {**row, "remarks": remark(numbers[code], remarks)}
            if row.get("level") == Level.HTTNV.text:
                level = Level[rng.choice(LEVEL_MIX)]
                row["level"] = level.text
                if "civil_rating" in row:
                    row["civil_rating"] = level.text
                if level is Level.HTXSNV:
                    row.update(dict.fromkeys(tasks, Grade.XUAT_SAC.text))
        return row

    return values_for


ONSETS = "b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x".split()
RIMES = ("a à á ả ã ạ ai ao an ang anh ăn ắc âm ấp e è é ê ế ệ i ì í o ò ó ô ồ ố ơ ờ ớ u ù ú ư ừ ứ uân uyên ương "
         "ước iêu yêu oan oàn").split()


def remark(seed: int, length: int) -> str:
    """Free text that compresses about as well as Vietnamese prose, different on every row."""
    rng, words = random.Random(seed), []
    while sum(len(word) + 1 for word in words) < length:
        words.append(rng.choice(ONSETS) + rng.choice(RIMES))
    return " ".join(words)[:length].capitalize()


def fill(data: bytes, values_for) -> bytes:
    from tests.workbooks import fill as fill_workbook

    return fill_workbook(data, values_for)


def count_cells(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return sum(len(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).iter_rows())


# --- one measurement, in a fresh process ---------------------------------------------------------------------
CHILD = r"""
import importlib, json, os, pickle, resource, sys, time
sys.path.insert(0, {root!r})
from kdweb import isolation
from tests.sandbox_workers import sandbox_worker_pids
for name in isolation.PRELOAD:  # what a sandbox worker imports before its first task
    importlib.import_module(name)
from kdweb.excel import outcome, reader

def status(field):
    return int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith(field + ":")))

stages, mode = {{}}, {mode!r}

def reset():
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")

def staged(name, function):
    def call(*args, **kwargs):
        reset()
        try:
            return function(*args, **kwargs)
        finally:
            stages[name] = max(stages.get(name, 0), status("VmHWM"))
            reset()
    return call

from pathlib import Path
# this code's worker is handed a file this large as the path of the web process's copy (untrusted.handed); the code before
# (--main), the bytes
data = Path({path!r}) if {by_path!r} else open({path!r}, "rb").read()
options = pickle.load(open({options!r}, "rb"))
baseline = status("VmRSS")
started = time.process_time()
if mode == "stages":
    reader.check_upload = staged("guards (zip and XML limits)", reader.check_upload)
    reader._checked_meta = staged("signed metadata: read, verify, parse", reader._checked_meta)
    reader._read_sheets = staged("sheets: rows against the roster, records", reader._read_sheets)
    reader.reconcile = staged("roster of record compared", reader.reconcile)
    reader.validate_unit = staged("rule book", reader.validate_unit)
    if hasattr(outcome, "pack_rows"):  # the rows are made as they are packed
        outcome.pack_rows = staged("ratings rows (answer)", outcome.pack_rows)
    else:
        outcome._rating_rows = staged("ratings rows (answer)", outcome._rating_rows)
if mode == "sandbox":
    limits = isolation.SandboxLimits(workers=1)
    isolation.prestart(limits)
    worker = sandbox_worker_pids()[0]
    isolation.run(limits, len, b"")  # the worker has imported its modules: its idle size
    worker_status = lambda field: int(next(line.split()[1] for line in open(f"/proc/{{worker}}/status")
                                           if line.startswith(field + ":")))
    idle_size = worker_status("VmSize")
    result = isolation.run(limits, outcome.check, data, **options)
    hwm, address_space = worker_status("VmHWM"), worker_status("VmPeak") - idle_size
    isolation.shutdown()
elif mode == "validate":  # the read alone, as issue 21 measured it: validate_upload, no answer made
    read = reader.validate_upload(data, **options)
    result = outcome.CheckedUpload(ok=read.ok, problem=read.problem, findings=read.findings,
                                   sheets=tuple(outcome.SheetCounts(s.name, s.kind, {{}}, len(read.batch.records_of(s.kind)))
                                                for s in read.sheets) if read.ok else ())
    hwm = address_space = 0
else:
    result = outcome.check(data, **options)
    if mode == "stages":
        reset()
    blob = pickle.dumps(("ok", result, False), pickle.HIGHEST_PROTOCOL)  # what the worker sends back
    if mode == "stages":
        stages["answer pickled"] = status("VmHWM")
    hwm = address_space = 0
cpu = time.process_time() - started
outcome_text = (f"ok={{result.ok}}, {{sum(sheet.roster for sheet in result.sheets):,}} subjects, "
                f"{{len(result.errors)}} errors, {{len(result.warnings)}} warnings") if result.ok else f"refused {{result.problem.code}}"
print(json.dumps({{"baseline_kb": baseline, "peak_kb": status("VmHWM"), "cpu": cpu, "outcome": outcome_text,
                   "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "stages": stages,
                   "worker_hwm_kb": hwm, "worker_address_space_kb": address_space}}))
"""


def measure(path: Path, options: Path, root: Path, stages: bool = False, sandbox: bool = False,
            mode: str = "total") -> dict:
    mode = "sandbox" if sandbox else "stages" if stages else mode
    script = CHILD.format(root=str(root), path=str(path), options=str(options), mode=mode, by_path=root == ROOT)
    # Through a shell that forks (not execs) Python: ru_maxrss survives fork and exec, so a child forked straight
    # from this big process would start with this process's high-water mark.
    done = subprocess.run(["/bin/sh", "-c", '"$0" -c "$1"; exit $?', sys.executable, script], capture_output=True,
                          text=True, cwd=root)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
