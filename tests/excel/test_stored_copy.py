"""The guards' stored copy of a package (safety.StoredCopy): what calamine reads instead of the upload's bytes.

It must read as the original does, sheet by sheet and cell by cell, hold exactly the original's entries, and
change nothing about which hostile files are refused, with which code; the reader must leave no file behind.
"""
from __future__ import annotations

import functools
import io
import os
import random
import tempfile
import tracemalloc
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from kdweb.excel import Limits
from kdweb.excel.problems import Refusal
from kdweb.excel.safety import CHUNK, check_upload
from tests.security import hostile_files

from . import files
from .builders import MEMBERS_SHEET, Filler, build_demo, fill_clean, read_demo
from .test_hostile import far_cell_workbook


@pytest.fixture(scope="module")
def good() -> bytes:
    return build_demo()


def stored_copy(data: bytes, limits: Limits = Limits()) -> bytes:
    with tempfile.TemporaryFile() as file:
        check_upload(data, limits, stored_copy=file)
        file.seek(0)
        return file.read()


def sheets_of(data: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in workbook.sheet_names}
    finally:
        workbook.close()


def excel_style(good: bytes, strings: int) -> bytes:
    """Text as Excel writes it: a shared-string table (`strings` distinct ones) and cells pointing into it."""
    parts = files.zip_parts(good)
    table = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             b'2006/main" count="%d" uniqueCount="%d">' % (strings, strings)
             + b"".join(b"<si><t>Nguy\xe1\xbb\x85n V\xc4\x83n %d gh\xc3\xad ch\xc3\xba</t></si>" % index
                        for index in range(strings)) + b"</sst>")
    parts["xl/sharedStrings.xml"] = table
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdS" Type="{hostile_files.STRINGS_TYPE}" '
        f'Target="sharedStrings.xml"/></Relationships>'.encode())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{hostile_files.STRINGS_CONTENT}"/>'
        f"</Types>".encode())
    rows = b"".join(b'<row r="%d"><c r="AD%d" t="s"><v>%d</v></c></row>' % (row, row, (row * 7) % strings)
                    for row in range(20_000, 20_300))
    part = files.sheet_part(good, MEMBERS_SHEET)
    parts[part] = parts[part].replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return files.make_zip(parts)


@functools.cache  # `good` is the module's one workbook: each case's file is made once, not once per case
def workbooks(good: bytes) -> dict[str, bytes]:
    filled = fill_clean(Filler(good)).bytes()
    members = files.sheet_part(good, MEMBERS_SHEET)
    return {
        "issued": good,
        "filled": filled,
        "sheet stored in the upload": files.make_zip(files.zip_parts(filled), stored=(members, "xl/workbook.xml")),
        "a picture pasted in": files.add_parts(filled, {"xl/media/image1.jpeg": random.Random(1).randbytes(300_000)}),
        "shared strings": excel_style(filled, strings=200),
        "shared strings past one chunk": excel_style(filled, strings=40_000),
        "sheets past one chunk": hostile_files.many_cells(filled, sheets=2, rows=1_500, columns=40),
    }


@pytest.mark.parametrize("case", ["issued", "filled", "sheet stored in the upload", "a picture pasted in",
                                  "shared strings", "shared strings past one chunk", "sheets past one chunk"])
def test_the_stored_copy_reads_as_the_original_sheet_by_sheet(good, case):
    data = workbooks(good)[case]
    copy = stored_copy(data)
    assert sheets_of(copy) == sheets_of(data)
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(io.BytesIO(copy)) as stored:
        assert stored.testzip() is None
        pairs = list(zip(original.infolist(), stored.infolist(), strict=True))
        for before, after in pairs:
            assert (after.filename, after.CRC, after.file_size) == (before.filename, before.CRC, before.file_size)
            assert stored.read(after) == original.read(before)
        methods = {after.filename: after.compress_type for _, after in pairs}
        sizes = {after.filename: after.file_size for _, after in pairs}
    if case == "shared strings past one chunk":
        assert sizes["xl/sharedStrings.xml"] > CHUNK  # drained after the guards measured it apart
    if case == "sheets past one chunk":
        assert max(sizes.values()) > CHUNK
    assert methods[files.sheet_part(data, MEMBERS_SHEET)] == zipfile.ZIP_STORED
    assert methods.get("xl/sharedStrings.xml", zipfile.ZIP_STORED) == zipfile.ZIP_STORED
    assert methods["xl/styles.xml"] == zipfile.ZIP_DEFLATED  # what calamine reads little of comes as it was
    if case == "a picture pasted in":
        assert methods["xl/media/image1.jpeg"] == zipfile.ZIP_DEFLATED


def test_an_upload_reads_the_same_findings_and_records_through_the_copy(good, monkeypatch):
    """The reader's own path (the copy, in memory and spooled to a file) against calamine opening the upload."""
    from kdweb.excel import reader

    data = Filler(good).set(MEMBERS_SHEET, "DV001", level="Hoàn thành tốt nhiệm vụ", remarks="x" * 90).bytes()
    through_copy = read_demo(data)
    monkeypatch.setattr(reader, "SPOOL_BYTES", 10_000)
    through_file = read_demo(data)

    class _Uncopied(reader._guarded):
        def __enter__(self):
            report = check_upload(self.data, self.limits)
            path = tempfile.mkstemp(prefix="kdweb-test-")[1]
            try:
                with open(path, "wb") as file:
                    file.write(self.data)
                self.workbook = CalamineWorkbook.from_path(path)
            finally:
                os.unlink(path)
            return report, self.workbook

    monkeypatch.setattr(reader, "_guarded", _Uncopied)
    plain = read_demo(data)
    assert through_copy.ok and plain.ok and through_file.ok
    assert through_copy.findings == plain.findings == through_file.findings
    assert through_copy.batch == plain.batch == through_file.batch


@functools.cache  # as `workbooks`: the fifteen files made once for the fifteen cases, not fifteen times each
def hostile(good: bytes) -> dict[str, tuple[bytes, Limits]]:
    members = files.sheet_part(good, MEMBERS_SHEET)
    strings = b'<sst count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    part = members.encode()
    at = good.find(part) + len(part) + 40
    default = Limits()
    return {
        "zip bomb by ratio": (files.dense_bomb(good, megabytes=20), default),
        "declared size": (good, Limits(max_part_bytes=4_000)),
        "lying size": (files.lying_sizes(good, members, declared=2_000), default),
        "truncated": (good[: len(good) // 2], default),
        "corrupted entry": (good[:at] + bytes(byte ^ 0x5A for byte in good[at : at + 64]) + good[at + 64 :], default),
        "entity bomb in a sheet": (files.patch_part(good, members, rb"^", files.BILLION_LAUGHS), default),
        "entity bomb elsewhere": (hostile_files.entity_bomb_elsewhere(good), default),
        "huge dimension": (files.patch_part(good, members, rb'<dimension ref="[^"]*"',
                                            b'<dimension ref="A1:XFD1048576"'), default),
        "far cell": (far_cell_workbook(good), default),
        "sheet elsewhere": (hostile_files.sheet_elsewhere(good), default),
        "tag across a chunk": (hostile_files.tag_across_chunk(good), default),
        "string expansion": (hostile_files.expanding_shared_string(good), default),
        "string count": (files.add_parts(good, {"xl/sharedStrings.xml": strings}), default),
        "too many cells": (hostile_files.many_cells(good, sheets=2, rows=500, columns=40), Limits(max_total_cells=30_000)),
        "macro": (files.add_parts(good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512}), default),
        "text before a sheet's root": (hostile_files.text_before_the_root(good), default),
    }


CASES = ["zip bomb by ratio", "declared size", "lying size", "truncated", "corrupted entry", "entity bomb in a sheet",
         "entity bomb elsewhere", "huge dimension", "far cell", "sheet elsewhere", "tag across a chunk",
         "string expansion", "string count", "too many cells", "macro", "text before a sheet's root"]


def refusal_code(data: bytes, limits: Limits, copy: bool) -> str:
    with tempfile.TemporaryFile() as file, pytest.raises(Refusal) as refused:
        check_upload(data, limits, stored_copy=file if copy else None)
    return refused.value.problem.code


@pytest.mark.parametrize("case", CASES)
def test_hostile_files_are_refused_alike_while_the_copy_is_written(good, case):
    data, limits = hostile(good)[case]
    code = refusal_code(data, limits, copy=False)
    assert refusal_code(data, limits, copy=True) == code
    assert read_demo(data, limits=limits).problem.code == code  # the reader, through its copy, says the same


def test_the_copy_is_written_as_the_guards_go_never_held_whole(good):
    """60 MB of sheet let through the ratio check on purpose: stored into the copy chunk by chunk."""
    big = files.dense_bomb(good, megabytes=60)
    with tempfile.TemporaryFile() as file:
        tracemalloc.start()
        try:
            check_upload(big, Limits(max_ratio=10_000), stored_copy=file)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert file.tell() > 60 * 1024 * 1024
    assert peak < 16 * 1024 * 1024


@pytest.mark.parametrize("spool", [None, 10_000])
def test_the_reader_leaves_no_file_behind(good, tmp_path, monkeypatch, spool):
    """A copy past SPOOL_BYTES goes to a temporary file, deleted once calamine has it open, or refused."""
    from kdweb.excel import reader

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    if spool:
        monkeypatch.setattr(reader, "SPOOL_BYTES", spool)
    created = []
    mkstemp = tempfile.mkstemp
    monkeypatch.setattr(tempfile, "mkstemp", lambda *args, **kwargs: created.append(1) or mkstemp(*args, **kwargs))
    assert read_demo(good).ok
    assert read_demo(files.dense_bomb(good, megabytes=20)).problem.code == "E-ZIP-BOMB"
    assert read_demo(good[: len(good) // 2]).problem.code == "E-CORRUPT"
    path = tmp_path / "upload.xlsx"
    path.write_bytes(good)
    assert read_demo(path).ok
    assert [item.name for item in tmp_path.iterdir()] == ["upload.xlsx"]
    assert len(created) == (2 if spool else 0)  # the good file, twice; the bomb and the truncated file are refused first
