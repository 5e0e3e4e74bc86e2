"""Benchmark of the unit workbook: the whole upload path on real shapes against bare readers, writing, and memory.

    .venv/bin/python bench/bench_excel.py            # units of 500, ~1,000 and 10,000 members
    .venv/bin/python bench/bench_excel.py --quick    # 500 and ~1,000 members only, fewer turns
    .venv/bin/python bench/bench_excel.py --sandbox  # only what the sandbox costs per upload
    .venv/bin/python bench/bench_excel.py --profile 10000   # cProfile of the whole path at that size, top 25
    .venv/bin/python bench/bench_excel.py --stages --sizes 500   # the whole path's CPU split by its parts

The demo district is loaded into a throw-away SQLite database; each unit's workbook is downloaded through the
app's own service (`workbooks.issue_workbook`: the roster of record, signed), then filled as units fill it
(every criterion graded, levels of every kind typed in the mixed ways users type, remarks on a quarter of the
rows, members not rated with their reasons, civil servants' ratings and months, sick leave, dates in remarks,
and a few mistakes) and saved by openpyxl. Each size is a demo unit within 20 % of it, else the largest demo unit
below it with its roster copied (new codes) up to the size: the demo has no unit of 500 members nor of 10,000.
Then, on the same bytes, taking turns within one run (the order rotated each turn) and timed in CPU time of this process: the bare calamine parse (every sheet to Python lists), the
whole upload path as `services.uploads.check` runs it minus the database writes and the sandbox (hash, version
lookup, roster of record, read, validate, findings and ratings rows, summary), and tablib, each after a full
collection (the seeded app's objects frozen out of it), so that none pays for another's garbage. Ratios are medians of
the per-turn ratios. Before each turn the process forgets what reading taught it (`kdweb.rules.process_memos`) and
reads `--warm` other fills of the same download (other draws: what other units type), as a sandbox worker that has
served a few uploads would have; the timed workbook is never one of them. The sandbox and memory sections use the synthetic two-pattern workbook (`filled`).
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import pstats
import os
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from contextlib import contextmanager, nullcontext
from datetime import date
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import tablib  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from kdweb import isolation  # noqa: E402
from kdweb.excel import CycleInfo, Roster, UnitInfo, build_workbook, outcome, read_upload  # noqa: E402
from kdweb.excel.columns import FIRST_DATA_ROW, SHEET_NAMES, sheet_specs  # noqa: E402
from kdweb.rules import MemberRecord, OrganisationRecord, UnitKind, SubjectKind, get_rule_set  # noqa: E402
from tests.sandbox_workers import sandbox_worker_pids  # noqa: E402

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


def ours_read_only(data: bytes) -> None:
    assert read_upload(data, **READ_OPTIONS).ok


def bare_calamine(data: bytes) -> None:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


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


# --- real shapes: the demo's units, downloaded and filled as units fill them ------------------------------------
REAL_SIZES = (500, 1_000, 10_000)
NEAR = 0.2  # a demo unit within 20 % of a size is taken as it is; else one is grown to the size (bench_memory)
REMARKS = (
    "Gương mẫu, nhiệt tình trong công tác khu dân cư", "Tham gia đầy đủ sinh hoạt chi bộ", "Tuổi cao, sức yếu",
    "Đóng đảng phí đầy đủ, đúng hạn", "Còn hạn chế trong việc tham gia ý kiến tại sinh hoạt", "Nghỉ ốm dài ngày",
    "Được khen thưởng cấp phường", "Hoàn thành tốt nhiệm vụ được giao ở cơ quan", "Tích cực tuyên truyền vận động",
    "Chuyển sinh hoạt đến ngày {day:02d}/{month:02d}/2026", "Vắng sinh hoạt {n} buổi có lý do",
    "Tham gia {n} buổi sinh hoạt chuyên đề", "Đi công tác nước ngoài từ ngày {day:02d}/{month:02d}/2026",
    "Phụ trách {n} hộ gia đình", "Đạt danh hiệu chiến sĩ thi đua cơ sở năm 2026",
)
LEVEL_TYPED = {  # the ways users type each level: canonical text mostly, short forms, lower case, NFD
    "HTXSNV": ("Hoàn thành xuất sắc nhiệm vụ",) * 6 + ("HTXSNV", "hoàn thành xuất sắc nhiệm vụ", "Xuất sắc"),
    "HTTNV": ("Hoàn thành tốt nhiệm vụ",) * 6 + ("HTTNV", "hoàn thành tốt nhiệm vụ", "Tốt", "Hoàn thành tốt nhiệm vụ "),
    "HTNV": ("Hoàn thành nhiệm vụ",) * 4 + ("HTNV",),
    "KHTNV": ("Không hoàn thành nhiệm vụ", "KHTNV"),
}
GRADE_TYPED = {"XS": ("Xuất sắc",) * 5 + ("XS", "xuất sắc"), "T": ("Tốt",) * 6 + ("tốt",), "TB": ("Trung bình", "TB")}
MISTAKES = (("level", "Hoàn thành tốt nhiệm vự"), ("level", "HTXS"), ("grade", "Khá"), ("sick_leave_months", "hai"),
            ("civil_rating", "Hoàn thành tốt"))


def member_values(record, criteria, rng: random.Random) -> dict:
    """What a unit types for one member: its level and grades, and what else applies to it."""
    values = {}
    reason = ("Miễn công tác và sinh hoạt đảng" if record.exempt else "Đình chỉ sinh hoạt đảng" if record.suspended
              else "Sinh hoạt tạm thời" if record.temporary_activity
              else "Mới kết nạp/mới thành lập chưa đủ 6 tháng" if record.admitted_on and record.admitted_on > date(2026, 5, 1)
              else None)
    if reason:
        return {"level": rng.choice(("Không xếp loại", "Không xếp loại", "không xếp loại")), "not_rated_reason": reason}
    roll = rng.random()
    level = "HTXSNV" if roll < 0.12 else "HTTNV" if roll < 0.9 else "HTNV" if roll < 0.99 else "KHTNV"
    if record.disciplined_in_year:
        level = "KHTNV"
    mix = {"HTXSNV": ("XS", "XS", "XS", "T"), "HTTNV": ("T", "T", "T", "T", "XS"), "HTNV": ("T", "TB", "TB"),
           "KHTNV": ("TB",)}[level]
    for criterion in criteria:
        values[criterion.field] = rng.choice(GRADE_TYPED[rng.choice(mix)])
    values["level"] = rng.choice(LEVEL_TYPED[level])
    if record.is_civil_servant:
        values["civil_rating"] = rng.choice(LEVEL_TYPED[level][:1] + (level,))
        if rng.random() < 0.3:
            values["monthly_ratings"] = ", ".join(rng.choice(("HTTNV",) * 5 + ("HTXSNV",)) for _ in range(12))
    if record.transferred_in:
        values["transfer_remarks_received"] = "Có"
    if record.temporary_activity_elsewhere:
        values["temporary_remarks_received"] = rng.choice(("Có", "x", "có"))
    if rng.random() < 0.03:
        values["sick_leave_months"] = rng.choice((1, 2, 3, "2,5", 4.5))
    if rng.random() < 0.25:
        values["remarks"] = rng.choice(REMARKS).format(n=rng.randint(1, 12), day=rng.randint(1, 28), month=rng.randint(1, 12))
    if rng.random() < 0.002:  # a few mistakes: a typo, a cut-short level, a grade not on the list, a number in words
        key, typed = rng.choice(MISTAKES)
        values[next((c.field for c in criteria), "level") if key == "grade" else key] = typed
    return values


def body_values(kind, criteria, rng: random.Random) -> dict:
    level = "HTXSNV" if rng.random() < 0.15 else "HTTNV"
    values = {criterion.field: rng.choice(GRADE_TYPED["XS" if level == "HTXSNV" else "T"]) for criterion in criteria}
    values["level"] = rng.choice(LEVEL_TYPED[level])
    if rng.random() < 0.3:
        values["remarks"] = rng.choice(REMARKS).format(n=rng.randint(1, 12), day=rng.randint(1, 28), month=rng.randint(1, 12))
    return values


def fill_as_users(data: bytes, batch, rule_set, rng: random.Random) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for spec in sheet_specs(rule_set):
        if spec.name not in book.sheetnames:
            continue
        sheet = book[spec.name]
        at = {column.key: index + 1 for index, column in enumerate(spec.columns)}
        criteria = rule_set.criteria_of(spec.kind)
        for offset, record in enumerate(batch.records_of(spec.kind)):
            row = FIRST_DATA_ROW + offset
            assert sheet.cell(row, at["code"]).value == record.code
            values = (member_values(record, criteria, rng) if spec.kind is SubjectKind.MEMBER
                      else body_values(spec.kind, criteria, rng))
            for key, value in values.items():
                if key in at:
                    sheet.cell(row, at[key], value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def saved_by_libreoffice(data: bytes) -> bytes:
    """The workbook opened and saved again by LibreOffice Calc, as many units save it: formulas with their computed
    values, texts in a shared-string table (openpyxl's save keeps no computed value and writes texts inline)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("--saved-by libreoffice: soffice not found (Debian: apt-get install libreoffice-calc-nogui)")
    with tempfile.TemporaryDirectory(prefix="kdweb-bench-lo-") as work:
        folder = Path(work)
        (folder / "filled.xlsx").write_bytes(data)
        subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx", "--outdir", str(folder / "out"), str(folder / "filled.xlsx")],
                       capture_output=True, check=True, timeout=600)
        return (folder / "out" / "filled.xlsx").read_bytes()


_SAVERS = {"openpyxl": lambda data: data, "libreoffice": saved_by_libreoffice}  # fill_as_users saves by openpyxl

WARM_UPLOADS = 3  # other units' workbooks a sandbox worker has read before the timed upload (--warm)


class RealUnits:
    """The demo district in a throw-away SQLite database, and a workbook per size, downloaded and filled; and for
    each, `warm` more of the same download filled with other draws: what other units type, read by a sandbox worker
    before the timed upload (`others`, by unit code)."""

    def __init__(self, sizes, warm: int = WARM_UPLOADS, saved_by: str = "openpyxl"):
        import common

        self.warm, self.others = warm, {}
        self.save = _SAVERS[saved_by]

        self._database = common.fresh_database("sqlite")
        url = self._database.__enter__()
        self.app, _ = common.seed_district(url, "full", results=False)
        self.context = self.app.app_context()
        self.context.push()
        self.used = set()  # each case its own unit
        self.cases = [self._case(size) for size in sorted(sizes)]

    def _case(self, size: int):
        from bench_memory import grow_unit
        from sqlalchemy import select

        from kdweb.extensions import db
        from kdweb.models import Cycle, Unit, User
        from kdweb.services import workbooks
        from kdweb.services.roster import roster_batch

        cycle = db.session.execute(select(Cycle).filter_by(is_open=True)).scalar_one()
        units = db.session.execute(select(Unit).filter_by(reports=True, level="grassroots")).scalars().all()
        counts = [(unit.id, len(roster_batch(cycle, unit).members)) for unit in units if unit.id not in self.used]
        unit_id, count = min(counts, key=lambda pair: abs(pair[1] - size))
        if abs(count - size) > size * NEAR:  # none near: the largest unit below the size, grown to it
            unit_id = max((pair for pair in counts if pair[1] < size), key=lambda pair: pair[1])[0]
            grow_unit(db.session.get(Unit, unit_id), size, prefix=f"G{size}-")
        self.used.add(unit_id)
        unit = db.session.get(Unit, unit_id)
        staff = db.session.execute(select(User).filter_by(unit_id=unit.id, role="staff")).scalars().first()
        issued, _ = workbooks.issue_workbook(cycle, unit, staff)
        db.session.commit()
        batch = roster_batch(cycle, unit)
        rule_set = get_rule_set(cycle.rule_set_id)
        data = self.save(fill_as_users(issued, batch, rule_set, random.Random(size)))
        self.others[unit.code] = [self.save(fill_as_users(issued, batch, rule_set, random.Random(size * 1_000 + draw)))
                                  for draw in range(1, self.warm + 1)]
        return cycle, unit, batch, data

    def close(self) -> None:
        self.context.pop()
        self._database.__exit__(None, None, None)


def whole_path(cycle, unit, data: bytes):
    """services.uploads.check without its database writes and without the sandbox (its worker runs the same
    `outcome.check` here, in process, as no contender pays a process boundary): what an upload costs."""
    from kdweb.services import untrusted, uploads

    hashlib.sha256(data).hexdigest()
    with _patched(untrusted, "run", _in_process):
        result = uploads.read(cycle, unit, data)
    assert result.ok, result.problem
    findings = uploads.finding_rows(0, result)
    ratings = uploads.rating_rows(0, result.ratings)
    uploads.summary(result, cycle)
    return result, findings, ratings


def _in_process(function, *args, **kwargs):
    return function(*args, **kwargs)


def as_next_upload(cycle, unit, others) -> None:
    """The process made a sandbox worker about to read its next upload: what it learnt from earlier workbooks
    forgotten (kdweb.rules.process_memos), then `others` read — other units' workbooks, never the one timed next —
    so that no memo holds a reading of the timed file that no worker would have."""
    from kdweb.rules import process_memos

    process_memos.forget()
    for other in others:
        whole_path(cycle, unit, other)


def real_table(real: RealUnits, turns: int) -> list[dict]:
    rows = []
    for cycle, unit, batch, data in real.cases:
        contenders = [("calamine", lambda: bare_calamine(data)), ("whole", lambda: whole_path(cycle, unit, data)),
                      ("tablib", lambda: tablib_parse(data))]
        for _, function in contenders:
            function()  # warm: imports, caches
        gc.freeze()  # the seeded app's objects: not walked by the collections each contender's garbage triggers
        spent = {name: [] for name, _ in contenders}
        for turn in range(turns):
            as_next_upload(cycle, unit, real.others[unit.code])
            for name, function in contenders[turn % 3:] + contenders[: turn % 3]:
                gc.collect()  # each starts clean: no contender pays for the garbage of the one before it
                started = time.process_time()
                function()
                spent[name].append(time.process_time() - started)
        result, findings, ratings = whole_path(cycle, unit, data)
        rules = {}
        for finding in result.findings:
            rules[finding.rule] = rules.get(finding.rule, 0) + 1
        rows.append({
            "unit": unit.code, "members": len(batch.members), "kb": len(data) / 1024, "turns": turns,
            **{name: statistics.median(values) * 1000 for name, values in spent.items()},
            "whole/calamine": statistics.median(w / c for w, c in zip(spent["whole"], spent["calamine"])),
            "tablib/whole": statistics.median(t / w for t, w in zip(spent["tablib"], spent["whole"])),
            "findings": rules, "ratings": len(ratings),
        })
    return rows


def print_table(title: str, header: str, lines) -> None:
    print(title)
    print(header)
    print("-" * len(header))
    for line in lines:
        print(line)


def print_real_table(rows, warm: int) -> None:
    print_table("The whole upload path on real shapes: median CPU time of this process, ms (same bytes; calamine, the "
                "whole path and tablib taking turns, order rotated each turn; the whole path read as a sandbox "
                f"worker's next upload, after {warm} other units' workbooks)",
                f"{'unit':>8} {'members':>8} {'file KB':>8} {'turns':>5} | {'calamine':>9} {'whole path':>10} "
                f"{'tablib':>9} | {'whole/calamine':>14} {'tablib/whole':>12}",
                (f"{row['unit']:>8} {row['members']:>8,} {row['kb']:>8.0f} {row['turns']:>5} | {row['calamine']:>9.1f} "
                 f"{row['whole']:>10.1f} {row['tablib']:>9.1f} | {row['whole/calamine']:>13.2f}x "
                 f"{row['tablib/whole']:>11.2f}x" for row in rows))
    for row in rows:
        print(f"  {row['unit']}: {row['ratings']:,} ratings; findings by rule {dict(sorted(row['findings'].items()))}")
    print("goals: whole path ≤ 2x calamine; tablib ≥ 5x the whole path")


@contextmanager
def _patched(module, name: str, value):
    before = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, before)


@contextmanager
def _no_gc_pause(*modules):
    with _patched(modules[0], "gc_paused", nullcontext), _patched(modules[1], "gc_paused", nullcontext):
        yield


def trick_contenders():
    """The hot path's tricks, each taken out of (or put back into) the plain whole path, where it can be measured:
    the gc pause, the records' JSON written by msgspec and isal inflating in the guards are in the code; orjson was
    dropped and is measured put back."""
    from kdweb.excel import metadata, reader, safety

    tricks = [("as is", nullcontext), ("- gc pause", lambda: _no_gc_pause(reader, outcome)),
              ("- msgspec JSON (json.dumps)", lambda: _patched(outcome, "json_writer", lambda record_type: record_json_by_dict))]
    tricks.append(("- isal inflate (zlib)", lambda: _patched(safety, "zlib", zlib)))
    tricks.append(("- stored copy (calamine inflates)", lambda: _patched(reader, "_guarded", _uncopied(reader))))
    if getattr(metadata, "orjson", None) is not None:  # the payload is read by orjson: measure json instead
        shim = type("json_as_orjson", (), {"loads": staticmethod(json.loads), "JSONDecodeError": ValueError})
        tricks.append(("- orjson (json)", lambda: _patched(metadata, "orjson", shim)))
    return tricks


def _uncopied(reader):
    """reader._guarded as it was before the stored copy: the guards read the bytes, then calamine opens the upload
    itself (the spooled file, as the sandbox worker is handed it) and inflates its sheets again."""

    class Uncopied(reader._guarded):
        def __enter__(self):
            data = self.data if isinstance(self.data, bytes) else self.data.read_bytes()
            report = reader.check_upload(data, self.limits)
            del data
            if isinstance(self.data, Path):
                self.workbook = reader._calamine(lambda: CalamineWorkbook.from_path(str(self.data)))
                return report, self.workbook
            with tempfile.NamedTemporaryFile(prefix="kdweb-upload-") as file:
                file.write(self.data)
                file.flush()
                self.workbook = reader._calamine(lambda: CalamineWorkbook.from_path(file.name))
            return report, self.workbook

    return Uncopied


def record_json_by_dict(record) -> bytes:
    """record_to_json as it is written without msgspec's encoder: a dict of the fields not at their default,
    then json.dumps (the same text)."""
    from msgspec.structs import fields

    from kdweb.rules.stored import _plain

    body = {item.name: _plain(getattr(record, item.name)) for item in fields(record)
            if getattr(record, item.name) != item.default}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def tricks_table(real: RealUnits, turns: int) -> None:
    """The whole path with and without each trick, taking turns on the same bytes (CPU time; the collection
    that follows a paused read is timed with it)."""
    tricks = trick_contenders()
    print("The hot path's tricks, side by side: median CPU ms of the whole path (with the collection after it), "
          "ratio to the code as it is, paired per turn")
    for cycle, unit, batch, data in real.cases:
        spent = {name: [] for name, _ in tricks}
        for _, context in tricks:
            with context():
                whole_path(cycle, unit, data)
        for turn in range(turns):
            for name, context in tricks[turn % len(tricks):] + tricks[: turn % len(tricks)]:
                started = time.process_time()
                with context():
                    whole_path(cycle, unit, data)
                gc.collect(0)
                spent[name].append(time.process_time() - started)
        cells = [f"{name} {statistics.median(values) * 1000:.1f} ms "
                 f"({statistics.median(v / p for v, p in zip(values, spent['as is'])):.3f}x)"
                 for name, values in spent.items()]
        print(f"  {unit.code} ({len(batch.members):,} members, {turns} turns): " + "; ".join(cells))


def profile_whole(real: RealUnits, size_index: int, top: int = 25) -> None:
    cycle, unit, batch, data = real.cases[size_index]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(3):
        whole_path(cycle, unit, data)
    profiler.disable()
    print(f"cProfile of the whole path, 3 runs, unit {unit.code} ({len(batch.members):,} members), CPU time:")
    pstats.Stats(profiler).sort_stats(os.environ.get("KDWEB_PROFILE_SORT", "tottime")).print_stats(top)


# the whole path's parts, each a function the path calls by this module attribute: (label, module, attribute)
STAGES = (
    ("version look-up (uploads.issued_to)", "kdweb.services.uploads", "issued_to"),
    ("guards (safety.check_upload)", "kdweb.excel.reader", "check_upload"),
    ("calamine opens the guards' copy", "kdweb.excel.reader", "_Spool.open"),
    ("signed metadata (reader._checked_meta)", "kdweb.excel.reader", "_checked_meta"),
    ("calamine loads the sheets (reader._calamine)", "kdweb.excel.reader", "_calamine"),
    ("rows into records, calamine's rows included", "kdweb.excel.reader", "read_subject_sheet"),
    ("rule book (validate_unit)", "kdweb.excel.reader", "validate_unit"),
    ("rating rows: each record's JSON (outcome ratings)", "kdweb.excel.outcome", "CheckedUpload.ratings"),
    ("rating rows: the insert's rows (uploads.rating_rows)", "kdweb.services.uploads", "rating_rows"),
    ("summary (uploads.summary)", "kdweb.services.uploads", "summary"),
)


def stages_table(real: RealUnits, turns: int) -> None:
    """The whole path's CPU split by STAGES (each stage timed where the path calls it; nested calls counted in the
    stage that calls them: the metadata sheet's load is in both the metadata and calamine's loads), medians of
    `turns` turns read as a sandbox worker's next upload, with the bare calamine parse beside it."""
    import importlib

    spent: dict[str, float] = {}

    def timed(label, function):
        def stage(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - started
        return stage

    undo = []
    for label, module_name, attribute in STAGES:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for step in path:
            owner = getattr(owner, step)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        undo.append((owner, name, original))
        setattr(owner, name, property(timed(label, original.fget)) if isinstance(original, property)
                else timed(label, original))
    try:
        for cycle, unit, batch, data in real.cases:
            whole_path(cycle, unit, data)
            gc.freeze()
            turns_spent, wholes, bares = [], [], []
            for _ in range(turns):
                as_next_upload(cycle, unit, real.others[unit.code])
                spent.clear()
                gc.collect()
                started = time.process_time()
                whole_path(cycle, unit, data)
                wholes.append(time.process_time() - started)
                turns_spent.append(dict(spent))
                gc.collect()
                started = time.process_time()
                bare_calamine(data)
                bares.append(time.process_time() - started)
            print(f"{unit.code} ({len(batch.members):,} members), {turns} turns: whole path "
                  f"{statistics.median(wholes) * 1000:.2f} ms CPU, bare calamine {statistics.median(bares) * 1000:.2f} ms")
            for label, *_ in STAGES:
                print(f"  {label:52} {statistics.median(turn.get(label, 0.0) for turn in turns_spent) * 1000:7.3f} ms")
            rest = [whole - sum(turn.values()) for whole, turn in zip(wholes, turns_spent)]
            print(f"  {'the rest (hash, findings placed, calls between)':52} {statistics.median(rest) * 1000:7.3f} ms")
    finally:
        for owner, name, function in undo:
            setattr(owner, name, function)


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
        worker = sandbox_worker_pids()[0]
        times = {clock: {name: [] for name, _ in functions} for clock in tables}
        for _ in range(runs * 5 if size < 1_000 else runs * 2):
            for name, function in functions:
                worker_before = _cpu_ns(worker) if name == "sandbox" else 0
                wall, cpu = time.perf_counter(), time.process_time()
                function(data)
                times["cpu"][name].append(time.process_time() - cpu
                                          + ((_cpu_ns(worker) - worker_before) / 1e9 if name == "sandbox" else 0))
                times["wall"][name].append(time.perf_counter() - wall)
        assert sandbox_worker_pids() == [worker], "the sandbox worker was replaced during the run"
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
    print_table(f"The sandbox's cost per upload: median {clock}, ms (calamine, guards+read, the check here, the check "
                "in the sandbox, taking turns)",
                f"{'member rows':>11} {'file KB':>8} | {'calamine bare':>13} {'guards+read':>11} {'check here':>10} "
                f"{'in sandbox':>10} | {'isolation':>9} {'isolation/calamine':>18} {'guards+read/calamine':>20}",
                (f"{row['rows']:>11,} {row['kb']:>8.0f} | {row['calamine']:>13.1f} {row['read']:>11.1f} "
                 f"{row['here']:>10.1f} {row['sandbox']:>10.1f} | {row['isolation']:>9.1f} "
                 f"{row['isolation_ratio']:>17.2f}x {row['read_ratio']:>19.2f}x" for row in rows))


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
    parser.add_argument("--quick", action="store_true", help="500 and ~1,000 members only, fewer turns")
    parser.add_argument("--turns", type=int, default=9, help="turns of the real-shape table at 500 and 1,000 rows")
    parser.add_argument("--sandbox", action="store_true", help="only the sandbox's cost per upload")
    parser.add_argument("--profile", type=int, metavar="MEMBERS", help="cProfile the whole path at this size only")
    parser.add_argument("--runs", type=int, default=7, help="runs of the sandbox table and of the template")
    parser.add_argument("--tricks", action="store_true", help="only the hot path's tricks, side by side")
    parser.add_argument("--saved-by", choices=sorted(_SAVERS), default="openpyxl",
                        help="what saves the filled workbooks: openpyxl (as filled) or LibreOffice Calc (as many units)")
    parser.add_argument("--stages", action="store_true", help="only the whole path's CPU split by its parts")
    parser.add_argument("--sizes", help="member counts to bench instead of the usual, e.g. 10000 or 500,1200")
    parser.add_argument("--warm", type=int, default=WARM_UPLOADS,
                        help="other units' workbooks read before each timed upload, the process's memos forgotten "
                             "first (0: a worker's first upload)")
    options = parser.parse_args()
    print(f"kdweb.excel benchmark: Python {platform.python_version()}, python-calamine {version('python-calamine')}, "
          f"openpyxl {version('openpyxl')}, tablib {version('tablib')}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print()
    if options.sandbox:
        sizes = (100, 1_000) if options.quick else (100, 1_000, 10_000)
        sandbox = sandbox_table(sizes, options.runs)
        print_sandbox_table(sandbox["cpu"], "CPU time (this process, plus the sandbox worker's for the sandboxed check)")
        print("targets: isolation at most 0.3x of the calamine parse at 10,000 rows; guards+read within 2x of calamine "
              "(ratios: medians of the paired turns)")
        return
    sizes = ((options.profile,) if options.profile else tuple(int(size) for size in options.sizes.split(","))
             if options.sizes else REAL_SIZES[:2] if options.quick else REAL_SIZES)
    real = RealUnits(sizes, options.warm, options.saved_by)
    try:
        if options.profile:
            profile_whole(real, 0)
            return
        if options.tricks:
            tricks_table(real, options.turns)
            return
        if options.stages:
            stages_table(real, options.turns * 3)
            return
        print(f"load average before timing {os.getloadavg()[0]:.1f}")
        rows = real_table(_cases(real, lambda size: size < 5_000), 3 if options.quick else options.turns)
        rows += real_table(_cases(real, lambda size: size >= 5_000), 5)
        print_real_table(rows, real.warm)
        print(f"load average after timing {os.getloadavg()[0]:.1f}")
    finally:
        real.close()
    print()
    cpu = template_time(options.runs, time.process_time)
    print(f"Template for a 500-member unit (synthetic roster): {cpu:.1f} ms CPU (target 150 ms)")
    big = memory_of_big_read(rows=1_000 if options.quick else 10_000, remarks=150, scan_megabytes=9.0)
    print(
        f"Reading a {big['mb']:.1f} MB workbook ({big['rows']:,} member rows with remarks, and a 9 MB scan pasted "
        f"in) in a fresh process: "
        f"peak RSS {big['peak_kb'] / 1024:.0f} MB ({big['baseline_kb'] / 1024:.0f} MB after imports, "
        f"+{(big['peak_kb'] - big['baseline_kb']) / 1024:.0f} MB for the read); {big['seconds'] * 1000:.0f} ms; "
        f"{big['members']:,} records, {big['errors']} errors (target < 150 MB)"
    )


def _cases(real: RealUnits, wanted):
    """The same RealUnits, with only the cases whose member count `wanted` accepts."""
    subset = object.__new__(RealUnits)
    subset.cases = [case for case in real.cases if wanted(len(case[2].members))]
    subset.warm, subset.others = real.warm, real.others
    return subset


if __name__ == "__main__":
    main()
