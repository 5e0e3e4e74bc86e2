"""Reading a qd366-hd43 workbook (scores, task counts, a live total) against the bare calamine parse.

    .venv/bin/python bench/bench_excel_366.py            # 10,000 member rows
    .venv/bin/python bench/bench_excel_366.py --rows 1000

The workbook is built from the same roster as bench_excel.py, every member scored as a unit would fill it
(scores with decimals, task counts, a level within what they allow), and saved by openpyxl; then our read +
validate and the bare calamine parse take turns on the same bytes (the order alternating), in CPU time. Prints
medians and the paired ratio.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl  # noqa: E402
from bench_excel import READ_OPTIONS, SECRET, UNIT, VERSION, bare_calamine, roster  # noqa: E402
from bench_excel import CYCLE as CYCLE_132  # noqa: E402

from kdweb.excel import build_workbook, validate_upload  # noqa: E402
from kdweb.excel.columns import FIRST_DATA_ROW, SHEET_NAMES, sheet_specs  # noqa: E402
from kdweb.rules import SubjectKind, get_rule_set  # noqa: E402

CYCLE = replace(CYCLE_132, rule_set_id="qd366-hd43")


def filled_366(members: int) -> bytes:
    data = build_workbook(UNIT, CYCLE, roster(members), template_version=VERSION, secret=SECRET)
    book = openpyxl.load_workbook(io.BytesIO(data))
    specs = {spec.kind: spec for spec in sheet_specs(get_rule_set(CYCLE.rule_set_id))}
    for kind, count in ((SubjectKind.MEMBER, members), (SubjectKind.ORGANISATION, 40)):
        spec, sheet = specs[kind], book[SHEET_NAMES[kind]]
        at = {column.key: index + 1 for index, column in enumerate(spec.columns)}
        for offset in range(count):
            row = FIRST_DATA_ROW + offset
            excellent = offset % 10 == 0
            assigned = 6 + offset % 7
            values = {
                "score_common": 28.5 if excellent else 24 + (offset % 11) / 2,
                "score_tasks": 63 if excellent else 50 + (offset % 13) / 4,
                "tasks_assigned": assigned, "tasks_done": assigned, "tasks_on_time": assigned, "tasks_late": 0,
                "tasks_exceeded": assigned if excellent else offset % 2,
                "level": "HTXSNV" if excellent else "Hoàn thành tốt nhiệm vụ",
            }
            for key, value in values.items():
                sheet.cell(row, at[key], value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ours(data: bytes) -> None:
    result = validate_upload(data, **READ_OPTIONS)
    assert result.ok and not result.errors, (result.problem, result.errors[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=7)
    options = parser.parse_args()
    data = filled_366(options.rows)
    ours(data), bare_calamine(data)  # warm
    times = {"ours": [], "calamine": []}
    ratios = []
    contenders = [("ours", ours), ("calamine", bare_calamine)]
    for number in range(options.turns):
        turn = {}
        for name, function in contenders[number % 2:] + contenders[: number % 2]:  # the order alternates
            started = time.process_time()
            function(data)
            turn[name] = time.process_time() - started
            times[name].append(turn[name])
        ratios.append(turn["ours"] / turn["calamine"])
    print(f"qd366-hd43 workbook, {options.rows:,} member rows, {len(data) / 1e6:.1f} MB, {options.turns} turns, "
          f"CPU time of this process, load average {os.getloadavg()[0]:.1f}")
    for name, values in times.items():
        print(f"  {name:<9} median {statistics.median(values) * 1000:8.0f} ms")
    print(f"  paired ratio ours / bare calamine: {statistics.median(ratios):.2f}× (target ≤ 2×)")


if __name__ == "__main__":
    main()
