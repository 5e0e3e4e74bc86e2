"""The string-expansion guard reads a sheet's shared-string references from its bytes where its cells are plain (as
Excel and LibreOffice write them: every text a shared string, thousands of cells), and through expat otherwise: the
two must count alike wherever the bytes are read, and an odd form must never be counted short."""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from kdweb.excel import safety
from kdweb.excel.problems import Refusal
from kdweb.excel.safety import check_upload
from tests.security import hostile_files

from . import files
from .builders import MEMBERS_SHEET, Filler, build_demo, fill_clean

PLAIN_CELLS = [b'<c r="A%d" t="s"><v>%d</v></c>', b'<c r="B%d" s="3" t="s"><v>%d</v></c>',
               b'<c r="C%d" s="12" t="s"><v>0%d</v></c>', b'<c r="D%d" s="1" t="n"><v>%d</v></c>',
               b'<c r="E%d"><v>%d</v></c>']
ODD_CELLS = [b"<c r='A%d' t='s'><v>%d</v></c>", b'<c r="A%d" t="s"><v> %d </v></c>', b'<x:c r="A%d" t="s"><x:v>%d</x:v></x:c>',
             b'<c r="A%d" t="s"><v><![CDATA[%d]]></v></c>', b'<c r="A%d" t="s"><f>A1</f><v>%d</v></c>',
             b'<c r="A%d" t="s"/><v>%d</v>', b'<c r="A%d" t="s"><!-- x --><v>%d</v></c>', b'<c r="A%d" t = "s"><v>%d</v></c>',
             b'<c r="A%d"\tt="s"><v>%d</v></c>', b'<c r="A%d" t="s"><v>0%d</v></c>', b'<c r="A%d" t="s"><v>99999999%d</v></c>',
             b'<c r="A%d" t="inlineStr"><is><t>t="s" %d</t></is></c>', b'<c r="A%d" t="s">\n<v>%d</v></c>',
             b'<c r="A%d" t="s"><v>0</v><v>%d</v></c>', b'<c r="A%d" t="s"><v>%d</v><is><t>x</t></is></c>',
             b'<c r="A%d" t="s" s="1"><v>%d</v></c>', b'<c r="A%d" t="s"/><c r="B1" t="n"><v>%d</v></c>']


def _sheet(cells: list[bytes]) -> tuple[bytes, zipfile.ZipInfo]:
    body = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main"><sheetData><row r="1">' + b"".join(cells) + b"</row></sheetData></worksheet>")
    data = files.make_zip({"xl/worksheets/sheet1.xml": body})
    return data, zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")


def test_the_bytes_and_expat_count_the_same_references_or_the_bytes_decline():
    draw = random.Random(21)
    declined = 0
    for _ in range(600):
        odd = draw.random() < 0.5
        cells = [draw.choice(PLAIN_CELLS + (ODD_CELLS if odd else [])) % (row, draw.randrange(40))
                 for row in range(1, draw.randrange(1, 60))]
        data, info = _sheet(cells)
        fast, exact = safety._fast_string_references(data, info, safety.DEFAULT_LIMITS), safety._string_references(data, info)
        if fast is None:
            declined += 1
        else:
            assert fast == exact, cells
        if not odd:
            assert fast is not None, cells
    assert declined > 50  # the odd forms were met, and declined


def test_a_sheet_of_many_plain_cells_is_read_in_chunks_alike():
    cells = [PLAIN_CELLS[row % 3] % (row, row % 700) for row in range(1, 60_000)]
    data, info = _sheet(cells)
    assert safety._fast_string_references(data, info, safety.DEFAULT_LIMITS) == safety._string_references(data, info)


def test_plain_attributes_answers_as_the_odd_forms_say():
    """`_plain_attributes` (searches in fewer passes) against its definition: none of `_ODD_ATTRIBUTES` in the chunk."""
    pieces = [b" ", b"\t", b"\n", b"\r", b"'", b"=", b'"', b"t", b"a", b'<c r="A1" t="s">', b"<v>1</v>", b"x=", b'="']
    draw = random.Random(7)
    for _ in range(30_000):
        chunk = b"".join(draw.choice(pieces) for _ in range(draw.randrange(0, 14)))
        assert safety._plain_attributes(chunk) == (not any(odd in chunk for odd in safety._ODD_ATTRIBUTES)), chunk


@pytest.fixture(scope="module")
def good() -> bytes:
    return fill_clean(Filler(build_demo())).bytes()


def _with_strings(good: bytes, short_cells: int, long_cells: int) -> bytes:
    """The members' sheet given `short_cells` cells of a short shared string and `long_cells` of a 32,000-byte one,
    in the plain form Excel and LibreOffice write."""
    data = hostile_files.expanding_shared_string(good, cells=0)
    parts = files.zip_parts(data)
    part = files.sheet_part(good, MEMBERS_SHEET)
    table = next(name for name in parts if name.lower().endswith("sharedstrings.xml"))
    parts[table] = parts[table].replace(b"</sst>", b"<si><t>Xu\xe1\xba\xa5t s\xe1\xba\xafc</t></si></sst>")
    short = len(parts[table].split(b"<si>")) - 2  # its index: the last
    rows = b"".join(b'<row r="%d"><c r="B%d" s="1" t="s"><v>%d</v></c></row>'
                    % (row, row, short if row < 20_000 + short_cells else 0)
                    for row in range(20_000, 20_000 + short_cells + long_cells))
    parts[part] = parts[part].replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return files.make_zip(parts)


def test_many_short_strings_beside_one_long_pass_without_expat(good, monkeypatch):
    """The coarse bound (cells × the longest string) fails, the exact count passes: read from the bytes."""
    data = _with_strings(good, short_cells=3_000, long_cells=1)
    monkeypatch.setattr(safety, "_string_references", lambda *args: pytest.fail("read by expat"))
    check_upload(data)


def test_a_string_bomb_in_plain_cells_is_refused_without_expat(good, monkeypatch):
    data = _with_strings(good, short_cells=10, long_cells=1_200)  # 1,200 × 32,000 bytes: past 32 MB
    monkeypatch.setattr(safety, "_string_references", lambda *args: pytest.fail("read by expat"))
    with pytest.raises(Refusal) as refused:
        check_upload(data)
    assert refused.value.problem.code == "E-STRING-BOMB"
