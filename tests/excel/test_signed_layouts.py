"""Layout 2 signs the roster deflated, layout 3 too with the rows' positions as bytes; workbooks issued before
(layouts 1 and 2) keep being read, the same way.

`data/layout1_filled.xlsx` is the demo unit's workbook as the code before layout 2 issued it, filled by
`fill_clean`: made once, with that code, by
`fill_clean(Filler(build_demo())).bytes()` (tests/excel/builders.py, SECRET and VERSION as there).
Tampering with either layout is refused: tests/excel/test_refusals.py (`either_layout`), test_units.py.
"""
from __future__ import annotations

import dataclasses
import pickle

from kdweb.excel import outcome
from kdweb.excel.metadata import LAYOUT
from kdweb.rules.stored import record_to_json

from .builders import (
    ISSUED_BEFORE_LAYOUT_2, SECRET, CYCLE, UNIT, VERSION, Filler, build_demo, fill_clean, read_demo, reissued_in_layout,
)


def _read(data: bytes):
    result = read_demo(data)
    assert result.ok, result.problem
    records = [record_to_json(record) for kind in ("members", "organisations", "collectives", "leaders")
               for record in getattr(result.batch, kind)]
    findings = [(f.rule, f.sheet, f.cell, f.message) for f in result.findings]
    return result, records, findings


def test_a_workbook_issued_before_layout_2_reads_as_the_same_workbook_issued_now():
    old, old_records, old_findings = _read(ISSUED_BEFORE_LAYOUT_2.read_bytes())
    new, new_records, new_findings = _read(fill_clean(Filler(build_demo())).bytes())
    assert (old.metadata.layout, new.metadata.layout) == (1, LAYOUT) and LAYOUT == 3
    assert len(old_records) > 12 and old_records == new_records
    assert old_findings == new_findings
    assert old.batch.expected == new.batch.expected
    assert dataclasses.replace(old.metadata, layout=LAYOUT) == new.metadata


def test_a_workbook_issued_in_layout_2_reads_as_the_same_workbook_issued_now():
    filled = fill_clean(Filler(build_demo())).bytes()
    (old, old_records, old_findings), (new, new_records, new_findings) = _read(reissued_in_layout(filled, 2)), _read(filled)
    assert (old.metadata.layout, new.metadata.layout) == (2, 3)
    assert len(old_records) > 12 and old_records == new_records and old_findings == new_findings
    assert old.batch.expected == new.batch.expected
    assert dataclasses.replace(old.metadata, layout=3) == new.metadata


def test_the_sandboxed_check_answers_the_same_for_both_layouts():
    options = dict(secret=SECRET, expected_unit_code=UNIT.code, open_cycle_year=CYCLE.year,
                   known_template_versions={VERSION})
    old = outcome.check(ISSUED_BEFORE_LAYOUT_2.read_bytes(), **options)
    new = outcome.check(fill_clean(Filler(build_demo())).bytes(), **options)
    assert old.ok and new.ok
    assert len(new.ratings) > 12 and old.ratings == new.ratings
    assert [sheet.levels for sheet in old.sheets] == [sheet.levels for sheet in new.sheets]


def test_a_checked_upload_pickled_packs_its_rows_once_and_answers_the_rows_made_in_process():
    """In process the rows are made from the records when asked; the sandbox's answer (a pickle) packs them."""
    options = dict(secret=SECRET, expected_unit_code=UNIT.code, open_cycle_year=CYCLE.year,
                   known_template_versions={VERSION})
    here = outcome.check(fill_clean(Filler(build_demo())).bytes(), **options)
    assert here.ok and here.rated is not None and here.packed_ratings == ()
    made = here.ratings
    crossed = pickle.loads(pickle.dumps(here, pickle.HIGHEST_PROTOCOL))
    assert here.rated is None and here.packed_ratings  # packed once, the records let go
    assert crossed.rated is None and len(made) > 12 and crossed.ratings == made == here.ratings
    assert crossed.findings == here.findings and crossed.sheets == here.sheets


def test_rating_rows_cross_packed_and_come_back_as_they_were():
    rows = [("mem", f"DV{n:05d}", "Nguyễn Văn Ân", None, "HTTNV", None, n % 3 == 0, "Nhận xét " * (n % 50) or None,
             '{"code":"x"}', n / 3 if n % 2 else None, None) for n in range(1300)]
    packed = outcome.pack_rows(iter(rows))
    assert outcome.CheckedUpload(ok=True, packed_ratings=packed).ratings == rows
    assert len(packed) * 5 < sum(len(repr(row)) for row in rows)
    assert outcome.CheckedUpload(ok=True).ratings == [] and outcome.unpack_rows(outcome.pack_rows([])) == []


def test_rating_rows_past_the_first_megabyte_cross_compressed_and_come_back_as_they_were():
    """pack_rows: the first megabyte of pickles goes as it is, the rest compressed; unpack_rows reads both."""
    rows = [("MEMBER", f"DV{n:05d}", "Trần Thị Bích", None, "HTTNV", None, False, f"Nhận xét {n} " * 40,
             '{"code":"DV%05d","name":"Trần Thị Bích"}' % n, None, None) for n in range(6000)]
    packed = outcome.pack_rows(iter(rows))
    plain = [part for part in packed if part[:1] == b"\x80"]
    assert plain and len(plain) < len(packed) and sum(map(len, plain)) <= 1024 * 1024
    assert sum(map(len, packed)) < sum(len(pickle.dumps(rows[n:n + 512])) for n in range(0, len(rows), 512)) / 2
    assert outcome.unpack_rows(packed) == rows


def test_layout_1_rows_read_as_their_json_says_each_repeated_text_one_object():
    """metadata._as_layout_2: copies of every value (so the payload's parse is let go), types kept apart."""
    import json

    from kdweb.excel import metadata

    rows = [["DV1", "Chi bộ 1", 1, True, None, ["A", "B"], "1950-03-02", "x\udc80"],
            ["DV2", "Chi bộ 1", 1.0, False, None, ["A"], "1950-03-02", "a\x00b"],
            ["DV3", "Chi bộ 1", 2, True, 300, [], "1960-01-01", ""],
            ["DV4", "Chi bộ 1", True, None, 1.5, ["C"], "1950-03-02", "Chi bộ 1"]]
    body = {"kind": "M", "name": "Đảng viên", "fields": ["f"] * 8, "rows": json.loads(json.dumps(rows))}
    read = metadata._issued_rows(body, 1)
    assert read == tuple(map(tuple, rows))
    assert [[type(value) for value in row] for row in read] == [[type(value) for value in row] for row in rows]
    assert read[0][1] is read[1][1] is read[3][1]  # a repeated text: one object
    assert not any(value is parsed for row, parsed_row in zip(read, body["rows"])
                   for value, parsed in zip(row, parsed_row) if isinstance(value, (str, list, float)) and value)
    ragged = {**body, "rows": [["DV1", 1], ["DV2"]]}
    assert metadata._issued_rows(ragged, 1) == (("DV1", 1), ("DV2",))
