"""The guards against the parser: markup that calamine reads must have been read by the guards first.

calamine (quick-xml) reads a part whatever stands before its first tag, takes a relationship's target with either
quote and without resolving "..", follows a relationship of any type named by a <sheet>, and reads past what
expat calls malformed. Each file here hides a cell at XFD1048576 (calamine allocates the whole range: an abort)
or a string bomb behind one of those, and must be refused by the guards; the same package written plainly still
reads. A merged range is told in time however far it reaches.
"""
from __future__ import annotations

import time
import warnings
import zipfile
import io

import pytest

from kdweb.excel.problems import Refusal
from kdweb.excel.safety import check_upload
from tests.security import hostile_files

from . import files
from .builders import MEMBERS_SHEET, Filler, build_demo, fill_clean, read_demo

FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
RELS = "xl/_rels/workbook.xml.rels"


@pytest.fixture(scope="module")
def good() -> bytes:
    return fill_clean(Filler(build_demo())).bytes()


def _members(good: bytes) -> tuple[dict, str]:
    parts = files.zip_parts(good)
    return parts, files.sheet_part(good, MEMBERS_SHEET)


def _retarget(parts: dict, part: str, target: bytes, new_name: str | None = None, quote: bytes = b'"') -> None:
    """The members' relationship pointed at `target` (its part renamed `new_name`), its Target in `quote`s."""
    old = b'Target="/' + part.encode() + b'"'
    assert old in parts[RELS]
    parts[RELS] = parts[RELS].replace(old, b"Target=" + quote + target + quote)
    if new_name:
        parts[new_name] = parts.pop(part)


def junk_before_the_root(good, far=True, **retarget):
    parts, part = _members(good)
    parts[part] = b"Bang tinh " + (parts[part].replace(b"</sheetData>", FAR_CELL) if far else parts[part])
    if retarget:
        _retarget(parts, part, **retarget)
    return files.make_zip(parts)


def hidden_sheets(good: bytes, far: bool = True) -> dict[str, bytes]:
    """Each way of hiding the members' sheet from the guards; with `far`, it holds a cell at XFD1048576."""
    parts, part = _members(good)
    malformed = dict(parts)
    malformed[part] = parts[part].replace(b"</sheetData>", b"<row r=\"900\"><c r=\"A900\" t=\"inlineStr\"><is><t>&nbsp;"
                                          b"</t></is></c></row>" + (FAR_CELL if far else b"</sheetData>"))
    return {
        "text before the root": junk_before_the_root(good, far),
        "and a single-quoted target": junk_before_the_root(good, far, target=b"/" + part.encode(), quote=b"'"),
        "and a target through ..": junk_before_the_root(good, far, target=b"../m.xml", new_name="xl/../m.xml"),
        "and a target with an entity": junk_before_the_root(good, far, target=b"/xl/worksheets/m&#46;xml",
                                                           new_name="xl/worksheets/m&#46;xml"),
        "and a relationship typed as an image": _typed_as_image(
            files.zip_parts(junk_before_the_root(good, far)), part),
        "an entity expat does not know before the far cell": files.make_zip(malformed),
    }


def _typed_as_image(parts: dict, part: str) -> bytes:
    rels = parts[RELS].decode()
    at = rels.index(f'Target="/{part}"')
    start, end = rels.rindex("<Relationship ", 0, at), rels.index("/>", at)
    tag = rels[start:end].replace("relationships/worksheet", "relationships/image")
    parts[RELS] = (rels[:start] + tag + rels[end:]).encode()
    return files.make_zip(parts)


CASES = list(hidden_sheets(build_demo()))


@pytest.mark.parametrize("case", CASES)
def test_a_far_cell_hidden_from_the_guards_is_refused(good, case):
    data = hidden_sheets(good)[case]
    with pytest.raises(Refusal) as refused:
        check_upload(data)
    assert refused.value.problem.code in ("E-CORRUPT", "E-DIMENSION")
    assert read_demo(data).problem.code == refused.value.problem.code


def test_a_string_bomb_behind_text_and_a_single_quoted_target_is_refused(good):
    parts = files.zip_parts(hostile_files.expanding_shared_string(good))
    parts["xl/sharedStrings.xml"] = b"Chuoi " + parts["xl/sharedStrings.xml"]
    parts[RELS] = parts[RELS].replace(b'Target="sharedStrings.xml"', b"Target='sharedStrings.xml'")
    with pytest.raises(Refusal) as refused:
        check_upload(files.make_zip(parts))
    assert refused.value.problem.code in ("E-CORRUPT", "E-STRING-BOMB")


def test_a_plain_package_with_single_quoted_targets_still_reads(good):
    """Quotes are quick-xml's business and the guards' alike: a well-formed package is read, not refused."""
    parts, part = _members(good)
    parts[RELS] = parts[RELS].replace(b'"', b"'")
    result = read_demo(files.make_zip(parts))
    assert result.ok and result.findings == [], result.problem


def test_two_entries_of_one_name_are_refused(good):
    """zipfile and calamine read the last of two entries named alike; nothing writes them, and the guards' report
    (sheet sizes, error cells by part name) would mix the two."""
    parts, part = _members(good)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, content in parts.items():
            archive.writestr(name, content)
        archive.writestr(part, parts[part].replace(b"HTTNV", b"KHTNV", 1))
    result = read_demo(buffer.getvalue())
    assert result.ok is False and result.problem.code == "E-CORRUPT"


@pytest.mark.parametrize("ref", ["AC5:XFD2000", "AC5:XFD1048576", "A1:XFD1048576", "AC5:AD1048576"])
def test_a_merged_range_however_far_is_told_in_time(good, ref):
    """The reader looks for the first covered cell in a read column: not cell by cell through the range (a few
    bytes of <mergeCell> kept the sandbox busy to its CPU limit)."""
    parts, part = _members(good)
    parts[part] = parts[part].replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="'
                                      + ref.encode() + b'"/></mergeCells>')
    started = time.process_time()
    result = read_demo(files.make_zip(parts))
    assert time.process_time() - started < 2
    merged = [finding for finding in result.findings if finding.rule == "W-MERGED"]
    assert len(merged) == (1 if ref.startswith("A1") else 0)  # one finding per block, at a column that is read
    assert all(ref in finding.message for finding in merged)
