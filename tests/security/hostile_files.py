"""Hostile workbooks built generically from a real, freshly downloaded one: the classes of issue 16."""
from __future__ import annotations

import os
import re

from tests.excel import files

MEMBERS = "Đảng viên"
CHUNK = 1024 * 1024
FAR_CELL = b'<row r="3000"><c r="XFD1048576"><v>1</v></c></row>'
WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def _with_cells(parts: dict, part: str, cells: bytes) -> None:
    parts[part] = parts[part].replace(b"</sheetData>", cells + b"</sheetData>", 1)


def sheet_elsewhere(good: bytes) -> bytes:
    """The members' sheet moved out of xl/worksheets/ (the relationships follow it) with a cell at XFD1048576."""
    parts = files.zip_parts(good)
    old = files.sheet_part(good, MEMBERS)
    new = "xl/elsewhere/members.bin"
    parts[new] = parts.pop(old)
    _with_cells(parts, new, FAR_CELL)
    relative = old.removeprefix("xl/").encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b'"' + relative + b'"', b'"elsewhere/members.bin"').replace(b'"/' + old.encode() + b'"', b'"/' + new.encode() + b'"')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/" + old.encode(), b"/" + new.encode())
    assert b"members.bin" in parts["xl/_rels/workbook.xml.rels"]
    return files.make_zip(parts)


def tag_across_chunk(good: bytes) -> bytes:
    """A cell tag that starts just before the guards' 1 MiB read chunk and ends 200 KB after it, carrying its
    far reference behind a long attribute. The padding is incompressible, so no ratio guard stops it first."""
    parts = files.zip_parts(good)
    part = files.sheet_part(good, MEMBERS)
    before = parts[part].index(b"</sheetData>")
    padding = b"<!--" + os.urandom(CHUNK // 2).hex().encode()[: CHUNK - before - 100_000] + b"-->"
    tag = b'<row r="3000"><c x="' + os.urandom(100_000).hex().encode() + b'" r="XFD1048576"><v>1</v></c></row>'
    _with_cells(parts, part, padding + tag)
    start = parts[part].index(b'<c x="')
    assert start < CHUNK < start + 200_000
    return files.make_zip(parts)


def _add_sheets(parts: dict, sheets: dict[str, bytes], first: bool = True) -> None:
    """New tabs (name → part XML), placed before the existing ones when `first`."""
    entries, relations, types = b"", b"", b""
    for index, (name, xml) in enumerate(sheets.items()):
        part = f"xl/extra/sheet{index}.xml"
        parts[part] = xml
        entries += f'<sheet name="{name}" sheetId="{500 + index}" r:id="rIdX{index}"/>'.encode()
        relations += f'<Relationship Id="rIdX{index}" Type="{WORKSHEET_TYPE}" Target="extra/sheet{index}.xml"/>'.encode()
        types += f'<Override PartName="/{part}" ContentType="{SHEET_CONTENT}"/>'.encode()
    workbook = parts["xl/workbook.xml"]
    if first:
        parts["xl/workbook.xml"] = re.sub(rb"(<sheets>)", lambda m: m.group(1) + entries, workbook, count=1)
    else:
        parts["xl/workbook.xml"] = workbook.replace(b"</sheets>", entries + b"</sheets>", 1)
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", relations + b"</Relationships>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", types + b"</Types>")


def many_large_sheets(good: bytes, count: int = 40) -> bytes:
    """The members' tab renamed (so the reader searches for it) behind `count` tabs each claiming A1:AX49999."""
    parts = files.zip_parts(good)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(f'name="{MEMBERS}"'.encode(), b'name="DV (sua)"')
    sheet = SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row><row r="49999"><c r="AX49999"><v>1</v></c></row>' + SHEET_TAIL
    _add_sheets(parts, {f"Trang {index}": sheet for index in range(count)})
    return files.make_zip(parts)


def expanding_shared_string(good: bytes, cells: int = 10_000, length: int = 32_000) -> bytes:
    """One long shared string referenced by many cells: a ~100 KB file that expands to cells × length."""
    parts = files.zip_parts(good)
    text = (b"Nguy\xe1\xbb\x85n V\xc4\x83n A " * (length // 16 + 1))[:length]
    table = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             b'count="1" uniqueCount="1"><si><t>' + text + b"</t></si></sst>")
    existing = next((name for name in parts if name.lower().endswith("sharedstrings.xml")), None)
    if existing:
        head, _, rest = parts[existing].partition(b"<si>")
        parts[existing] = re.sub(rb"(?:unique)?[cC]ount=\"\d+\"", b"", head) + b"<si><t>" + text + b"</t></si><si>" + rest
    else:
        parts["xl/sharedStrings.xml"] = table
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", f'<Relationship Id="rIdS" Type="{STRINGS_TYPE}" Target="sharedStrings.xml"/>'.encode()
            + b"</Relationships>")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_CONTENT}"/>'.encode() + b"</Types>")
    rows = b"".join(b'<row r="%d"><c r="B%d" t="s"><v>0</v></c></row>' % (row, row) for row in range(20_000, 20_000 + cells))
    _with_cells(parts, files.sheet_part(good, MEMBERS), rows)
    return files.make_zip(parts)


def entity_bomb_elsewhere(good: bytes) -> bytes:
    """Billion laughs in a part whose name does not end in .xml, linked from the workbook's relationships."""
    parts = files.zip_parts(good)
    parts["xl/notes/extra.dat"] = files.BILLION_LAUGHS + b"<lolz>&lol9;</lolz>"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdN" Type="http://example.org/notes" Target="notes/extra.dat"/>'
        + b"</Relationships>")
    return files.make_zip(parts)


def many_cells(good: bytes, sheets: int = 3, rows: int = 2_000, columns: int = 40) -> bytes:
    """Extra tabs full of numbers (varied, so they do not compress like a bomb): sheets × rows × columns cells."""
    parts = files.zip_parts(good)
    def row(number):
        cells = b"".join(b'<c r="%s%d"><v>%d</v></c>' % (_letters(column).encode(), number, number * 7919 + column * 104729)
                         for column in range(1, columns + 1))
        return b'<row r="%d">%s</row>' % (number, cells)
    sheet = SHEET_HEAD + b"".join(row(number) for number in range(1, rows + 1)) + SHEET_TAIL
    _add_sheets(parts, {f"Số liệu {index}": sheet for index in range(sheets)}, first=False)
    return files.make_zip(parts)


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def text_before_the_root(good: bytes) -> bytes:
    """The members' sheet with text before its first tag and a cell at XFD1048576: calamine reads past the text
    (and aborts on the range); the guards, once, took the part for media and let it through unread."""
    parts = files.zip_parts(good)
    part = files.sheet_part(good, MEMBERS)
    parts[part] = b"Bang tinh " + parts[part].replace(b"</sheetData>", FAR_CELL + b"</sheetData>", 1)
    return files.make_zip(parts)


def merged_to_the_end(good: bytes) -> bytes:
    """One <mergeCell> reaching XFD1048576: a few bytes, once walked cell by cell by the reader to its CPU limit."""
    parts = files.zip_parts(good)
    part = files.sheet_part(good, MEMBERS)
    parts[part] = parts[part].replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                      b'<mergeCell ref="A1:XFD1048576"/></mergeCells>', 1)
    return files.make_zip(parts)


WORST = {
    "E-DIMENSION:elsewhere": sheet_elsewhere,
    "E-DIMENSION:chunk": tag_across_chunk,
    "E-STRING-BOMB": expanding_shared_string,
    "E-XML-BOMB": entity_bomb_elsewhere,
    "E-CORRUPT:text before the root": text_before_the_root,
    "W-MERGED:to the end": merged_to_the_end,
}
