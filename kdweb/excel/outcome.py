"""What a web worker needs from reading an upload, small enough to cross a process boundary cheaply.

The reader's full result holds every record with its roster facts (10,000 members pickle to 2.4 MB and take
longer to pickle and unpickle than calamine takes to parse the file); the worker that records a check needs
only the findings, one flat row per rating, and the counts per sheet. These functions are what the sandbox
runs (kdweb/isolation.py): reading inside it, the small answer out.
"""
from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path

from isal import isal_zlib

from kdweb.rules.checks_score import band_of, total_of
from kdweb.rules.findings import Finding
from kdweb.rules.registry import get_rule_set
from kdweb.rules.stored import json_writer
from kdweb.rules.terms import Level, SubjectKind

from .problems import Problem
from .reader import gc_paused, read_upload, validate_upload
from .results import PreviewCell, SortedFindings

GROUP_FIELDS = {SubjectKind.ORGANISATION: "group", SubjectKind.COLLECTIVE: "collective_type",
                SubjectKind.LEADER: "post_group"}


@dataclass(frozen=True)
class SheetCounts:
    name: str
    kind: SubjectKind
    levels: dict[str, int]  # Level code → subjects rated so
    not_rated: int

    @property
    def roster(self) -> int:
        return sum(self.levels.values()) + self.not_rated


@dataclass
class CheckedUpload(SortedFindings):
    """`ok` False: `problem` says why the file cannot be used. Else the findings, the ratings (tuples in the order
    of `_rating_rows`) and each subject sheet's counts.

    The ratings are packed (`pack_rows`) only to cross a process boundary: a result made in this process keeps
    its records and makes the rows when `ratings` asks (`rated`); pickled (the sandbox's answer), it packs them
    first, once, and lets the records go before the answer is written, so the worker's peak is as it was
    (records and packed rows, then packed rows and the answer). The rows are the same tuples either way."""

    ok: bool
    problem: Problem | None = None
    findings: list[Finding] = field(default_factory=list)
    packed_ratings: tuple[bytes, ...] = ()
    sheets: tuple[SheetCounts, ...] = ()
    rule_set_id: str | None = None
    rated: _RatedRecords | None = field(default=None, repr=False, compare=False)

    @property
    def ratings(self) -> list[tuple]:
        if self.rated is not None:
            with gc_paused():  # every record alive while their JSON is written (check)
                return list(self.rated.rows())
        return unpack_rows(self.packed_ratings)

    def __getstate__(self) -> dict:
        if self.rated is not None:
            with gc_paused():
                self.packed_ratings, self.rated = pack_rows(self.rated.rows()), None
        return self.__dict__


@dataclass(frozen=True)
class _RatedRecords:
    """The records whose rating rows a result has not made yet: each subject sheet's, in the order read."""

    records: tuple[tuple[SubjectKind, list], ...]
    rule_set: object

    def rows(self):
        return chain.from_iterable(_rating_rows(kind, records, self.rule_set) for kind, records in self.records)


def check(data: bytes | Path, **options) -> CheckedUpload:
    """validate_upload, boiled down to what is recorded; the rating rows are made when asked for, or packed when
    the result is pickled, the collector paused then too, since writing a record's JSON makes garbage while every
    record is still alive (reader.gc_paused). `data`: the bytes, or the path of a file holding them (the web
    process's copy: services/untrusted.spooled)."""
    with gc_paused():
        return _checked(validate_upload(data, **options))


def _checked(result) -> CheckedUpload:
    if not result.ok:
        return CheckedUpload(ok=False, problem=result.problem)
    sheets = []
    rated = _RatedRecords(tuple((sheet.kind, result.batch.records_of(sheet.kind)) for sheet in result.sheets),
                          get_rule_set(result.rule_set_id))
    for sheet in result.sheets:
        counted = Counter(map(_LEVEL, result.batch.records_of(sheet.kind)))  # levels hash by identity (domain.Coded)
        levels = {level.code: counted.get(level, 0) for level in Level}
        sheets.append(SheetCounts(sheet.name, sheet.kind, levels, counted.get(None, 0)))
    return CheckedUpload(ok=True, findings=result.findings, sheets=tuple(sheets), rule_set_id=result.rule_set_id,
                         rated=rated)


_LEVEL = attrgetter("level")


def _rating_rows(kind: SubjectKind, records, rule_set):
    """Each record's rating row: subject kind, code, name, group, level, not-rated reason, disciplined, remarks,
    record JSON, score, score band (the order services/uploads.rating_rows names them in;
    tests/unit_page/test_upload_rows.py holds it); its enums by code (`_value_`: domain.Coded.code reads it), its
    record's JSON as UTF-8 bytes (rules/stored.json_writer)."""
    group_field = GROUP_FIELDS.get(kind)
    scored, kind_code = rule_set.scored, kind.code
    write, written = None, None  # the record type's JSON writer (rules/stored.py), looked up once per type
    for record in records:
        if type(record) is not written:
            written = type(record)
            write = json_writer(written)
        group = (getattr(record, group_field) or None) if group_field else None
        level = record.level
        score = total_of(record) if scored and level is not None else None
        if score is not None and score >= 1000:  # beyond the column: S-SUM has said so already
            score = None
        reason = record.not_rated_reason
        yield (
            kind_code, record.code[:40], (record.name or "")[:200],
            ((record.quota_group or None) if scored else None) or group,
            level._value_ if level is not None else None,
            reason._value_ if reason is not None else None,
            bool(record.disciplined_in_year), record.remarks or None,
            write(record),  # the whole record, for the checks across workbooks (rules/stored.py), as bytes
            score, band_of(score, rule_set).code if score is not None else None,
        )


_BATCH = 512
_PLAIN_BYTES = 1024 * 1024  # the first pickles, up to this size, are not compressed


def pack_rows(rows) -> tuple[bytes, ...]:
    """Rows (tuples of plain values) as pickles of a few hundred rows each, made as the rows come, compressed
    after the first megabyte: the 30,000 rating rows of a very large unit, remarks and full records included,
    would take some 75 MB as Python strings and 49 MB more as one pickle; packed they take 12 MB
    (docs/performance.md, the memory row). The first megabyte (some 2,500 members' rows: a unit of 1,000 whole)
    goes as it is: compressing and inflating it cost 5-6 % of what follows the reading at 500 and 1,000 members,
    and a megabyte more in the worker is within the memory row's margin (bench/bench_memory.py: 144 MB)."""
    rows = iter(rows)
    parts, plain = [], 0
    while batch := list(islice(rows, _BATCH)):
        part = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
        plain += len(part)
        parts.append(part if plain <= _PLAIN_BYTES else isal_zlib.compress(part, 0))
    return tuple(parts)


def unpack_rows(packed: tuple[bytes, ...]) -> list[tuple]:
    rows = []
    for part in packed:  # a pickle starts with its PROTO opcode (0x80); a zlib stream with 0x78
        rows += pickle.loads(part if part[:1] == b"\x80" else isal_zlib.decompress(part))
    return rows


@dataclass(frozen=True)
class PreviewWindow:
    """Some rows of one uploaded sheet, as shown on the unit page."""

    sheet: str
    sheet_names: tuple[str, ...]
    header_row: int
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[PreviewCell, ...]], ...]  # (row number, cells)
    pinned: tuple[int, ...] = ()  # 0-based indexes of the columns that name the row, kept in view


def preview_window(data: bytes, *, sheet_name: str | None, marked_row: int, limit: int,
                   **options) -> PreviewWindow | None:
    """The asked sheet (else the first), `limit` rows from the top, or around the marked row when it is further."""
    result = read_upload(data, keep_values=True, **options)
    if not result.ok or not result.sheets:
        return None
    sheet = (result.sheet(sheet_name) if sheet_name else None) or result.sheets[0]
    start = max(0, marked_row - sheet.header_row - limit // 2) if marked_row > limit else 0
    rows = tuple((number, tuple(cells)) for number, cells in sheet.rows(start=start, limit=limit))
    return PreviewWindow(sheet.name, tuple(s.name for s in result.sheets), sheet.header_row, tuple(sheet.header),
                         rows, sheet.pinned)
