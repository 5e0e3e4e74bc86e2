"""Benchmark of the rules engine: a synthetic district of 15,000 members in 60 reporting units, validated unit by
unit and then across the district. Prints the median of several runs. Target: under 100 ms on one core.

    .venv/bin/python bench/bench_rules.py [--runs 7] [--members 15000] [--units 60]
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kdweb.rules import (  # noqa: E402
    CollectiveRecord, Discipline, Grade, LeaderRecord, Level, MemberRecord, NotRatedReason, OrganisationRecord,
    SubjectKind, UnitBatch, UnitKind, validate_district, validate_unit,
)

SEED = 174
REVIEW = date(2024, 12, 10)
WARDS = (
    "Cống Vị", "Điện Biên", "Đội Cấn", "Giảng Võ", "Kim Mã", "Liễu Giai", "Ngọc Hà", "Ngọc Khánh",
    "Nguyễn Trung Trực", "Phúc Xá", "Quán Thánh", "Thành Công", "Trúc Bạch", "Vĩnh Phúc",
)
OTHER_UNITS = ("Cơ quan", "Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Công ty", "Bệnh viện")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh")
GIVEN = ("An", "Bình", "Cường", "Dung", "Hà", "Hòa", "Lan", "Long", "Mai", "Nam", "Phúc", "Thủy", "Tuấn", "Yến")
LEVEL_MIX = ((Level.HTXSNV, 13), (Level.HTTNV, 73), (Level.HTNV, 12), (Level.KHTNV, 2))
PERSON_CRITERIA = ("1", "2", "3", "4", "5")
ORG_CRITERIA = ("I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "III")


def person_grades(level: Level, task: str, rnd: random.Random) -> dict:
    base = {Level.HTXSNV: Grade.TOT, Level.HTTNV: Grade.TOT, Level.HTNV: Grade.TRUNG_BINH, Level.KHTNV: Grade.TRUNG_BINH}[level]
    grades = dict.fromkeys(PERSON_CRITERIA if task == "5" else ORG_CRITERIA, base)
    if level is Level.HTXSNV:
        grades.update(dict.fromkeys((task,) if task == "5" else ORG_CRITERIA[:-1], Grade.XUAT_SAC))
    if level is Level.KHTNV:
        grades[task] = Grade.KEM
    if rnd.random() < 0.003:
        grades.pop(rnd.choice(list(grades)))  # an ungraded criterion now and then
    return grades


def a_level(rnd: random.Random) -> Level:
    return rnd.choices([level for level, _ in LEVEL_MIX], [weight for _, weight in LEVEL_MIX])[0]


def a_member(rnd: random.Random, code: str, unit: str, cell: str, ward: bool) -> MemberRecord:
    level = a_level(rnd)
    facts: dict = {}
    draw = rnd.random()
    if ward and draw < 0.04:
        facts = dict(exempt=True, not_rated=True, not_rated_reason=NotRatedReason.EXEMPT)
    elif draw < 0.045:
        facts = dict(admitted_on=date(2024, rnd.randint(7, 11), 1), not_rated=True, not_rated_reason=NotRatedReason.NEW)
    elif draw < 0.05:
        facts = dict(temporary_activity=True, not_rated=True, not_rated_reason=NotRatedReason.TEMPORARY)
    if facts.get("not_rated"):
        level = None
    if level is Level.KHTNV and rnd.random() < 0.5:
        facts.update(disciplined_in_year=True, discipline=rnd.choice(list(Discipline)[:2]))
    civil = not ward and rnd.random() < 0.8
    return MemberRecord(
        code=code,
        name=f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
        unit_code=unit,
        cell_code=cell,
        birth_date=date(rnd.randint(1935, 2000), rnd.randint(1, 12), rnd.randint(1, 28)),
        admitted_on=facts.pop("admitted_on", date(rnd.randint(1960, 2023), rnd.randint(1, 12), 1)),
        level=level,
        grades=person_grades(level, "5", rnd) if level else {},
        is_civil_servant=civil,
        civil_rating=(level if rnd.random() < 0.97 else Level.HTNV) if civil and level else None,
        monthly_ratings=tuple(rnd.choice((Level.HTXSNV, Level.HTTNV)) for _ in range(12)) if civil else (),
        transferred_in=rnd.random() < 0.02,
        months_at_old_place=rnd.randint(1, 11),
        transfer_remarks_received=rnd.random() < 0.9,
        sick_leave_months=4 if level is Level.HTNV and rnd.random() < 0.1 else rnd.choice((0, 0, 0, 0, 0, 0, 0, 1)),
        maternity_leave_months=6 if rnd.random() < 0.01 else 0,
        **facts,
    )


def a_unit(rnd: random.Random, index: int, size: int, ward_name: str | None) -> UnitBatch:
    unit = f"CS{index:02}"
    name = f"Đảng bộ phường {ward_name}" if ward_name else f"Chi bộ {rnd.choice(OTHER_UNITS)} số {index}"
    cells = max(1, size // 30) if ward_name else 1
    organisations = [OrganisationRecord(
        code=unit, name=name, unit_code=unit, level=Level.HTTNV, group="Đảng bộ phường" if ward_name else "Chi bộ cơ sở",
        kind=UnitKind.GRASSROOTS_COMMITTEE if ward_name else UnitKind.GRASSROOTS_CELL,
        grades=person_grades(Level.HTTNV, "I.1", rnd), founded_on=date(1990, 1, 1),
    )]
    if ward_name:
        for cell in range(cells):
            level = a_level(rnd)
            organisations.append(OrganisationRecord(
                code=f"{unit}-CB{cell:02}", name=f"Chi bộ Khu dân cư số {cell + 1}", unit_code=unit, parent_code=unit,
                kind=UnitKind.CELL, group="Chi bộ khu dân cư", level=level, grades=person_grades(level, "I.1", rnd),
            ))
    members = [
        a_member(rnd, f"{unit}-{number:05}", unit, f"{unit}-CB{number % cells:02}" if ward_name else "", bool(ward_name))
        for number in range(size)
    ]
    collectives = [
        CollectiveRecord(
            code=f"{unit}-TT{number}", name=f"Tập thể {kind} {name}", unit_code=unit, collective_type=kind,
            led_unit_code=unit if number == 0 else "", level=level, grades=person_grades(level, "5", rnd),
        )
        for number, kind in enumerate(("Cấp ủy", "Lãnh đạo UBND phường", "Ban Thường trực MTTQ")[: 3 if ward_name else 1])
        for level in [rnd.choice((Level.HTTNV, Level.HTTNV, Level.HTNV))]
    ]
    leaders = [
        LeaderRecord(
            code=f"{unit}-LD{number}", name=f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
            unit_code=unit, post_group=post, heads=(collectives[0].code,) if number == 0 else (),
            level=level, grades=person_grades(level, "5", rnd),
        )
        for number, post in enumerate(("Bí thư", "Phó Bí thư", "Chủ tịch UBND", "Chủ tịch MTTQ")[: 4 if ward_name else 2])
        for level in [rnd.choice((Level.HTXSNV, Level.HTTNV, Level.HTTNV, Level.HTTNV))]
    ]
    expected = {kind: [record.code for record in records] for kind, records in (
        (SubjectKind.MEMBER, members), (SubjectKind.ORGANISATION, organisations),
        (SubjectKind.COLLECTIVE, collectives), (SubjectKind.LEADER, leaders),
    )}
    return UnitBatch(unit_code=unit, unit_name=name, review_date=REVIEW, members=members, organisations=organisations,
                     collectives=collectives, leaders=leaders, expected=expected)


def district(members: int, units: int) -> list[UnitBatch]:
    """14 big wards with most of the members (many retired), the rest in agencies, schools and enterprises."""
    rnd = random.Random(SEED)
    ward_share = int(members * 0.65)
    sizes = [ward_share // len(WARDS)] * len(WARDS)
    others = units - len(WARDS)
    sizes += [(members - ward_share) // others] * others
    sizes[-1] += members - sum(sizes)
    return [a_unit(rnd, index, size, WARDS[index] if index < len(WARDS) else None) for index, size in enumerate(sizes)]


def timed(function, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each run; CPU time is what one core spends, whatever else runs."""
    wall, cpu = [], []
    for _ in range(runs):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--members", type=int, default=15_000)
    parser.add_argument("--units", type=int, default=60)
    options = parser.parse_args()
    batches = district(options.members, options.units)
    records = sum(len(b.members) + len(b.organisations) + len(b.collectives) + len(b.leaders) for b in batches)
    members = sum(len(batch.members) for batch in batches)
    unit_findings = [finding for batch in batches for finding in validate_unit(batch)]
    district_findings = validate_district(batches)
    steps = [
        ("validate_unit, every unit", lambda: [validate_unit(batch) for batch in batches]),
        ("validate_district", lambda: validate_district(batches)),
        ("both (a full district check)", lambda: ([validate_unit(batch) for batch in batches], validate_district(batches))),
    ]
    print(f"kdweb rules benchmark: {members:,} members, {records:,} records in {len(batches)} units; "
          f"Python {platform.python_version()}, one core, median of {options.runs} runs")
    print(f"findings: {len(unit_findings):,} per unit, {len(district_findings):,} across the district")
    print()
    print(f"| {'step':<30} | {'median ms':>9} | {'min ms':>7} | {'CPU ms':>7} | {'records/s':>11} |")
    print(f"| {'-' * 30} | {'-' * 9} | {'-' * 7} | {'-' * 7} | {'-' * 11} |")
    medians = []
    for label, step in steps:
        wall, cpu = timed(step, options.runs)
        median = statistics.median(wall)
        medians.append(median)
        print(
            f"| {label:<30} | {median:>9.1f} | {min(wall):>7.1f} | {statistics.median(cpu):>7.1f} "
            f"| {records / median * 1000:>11,.0f} |"
        )
    cpu = statistics.median(timed(steps[-1][1], options.runs)[1])
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"\nfull district check: {medians[-1]:.1f} ms wall, {cpu:.1f} ms CPU on one core "
        f"(target 100 ms: wall {'met' if medians[-1] < 100 else 'MISSED'}, CPU {'met' if cpu < 100 else 'MISSED'}); "
        f"load average {load} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
