"""Wrong and hostile files: each gets its own Vietnamese message, and nothing crashes or runs away with memory."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tracemalloc

import pytest

from kdweb.excel import Limits, MESSAGES
from kdweb.excel import safety
from kdweb.excel.safety import check_upload
from kdweb.excel.problems import Refusal

from . import files
from .builders import MEMBERS_SHEET, build_demo, read_demo


@pytest.fixture(scope="module")
def good() -> bytes:
    return build_demo()


def refused(data: bytes, code: str, **options):
    result = read_demo(data, **options)
    assert result.ok is False and result.batch is None
    assert result.problem.code == code, (result.problem.code, result.problem.detail)
    assert result.problem.message.startswith(MESSAGES[code].split("{")[0])  # this code's own message
    assert "{" not in result.problem.message
    return result.problem


def test_an_old_xls_file():
    problem = refused(files.xls_file(), "E-XLS")
    assert ".xls" in problem.message and ".xlsx" in problem.message


def test_a_password_encrypted_workbook():
    problem = refused(files.encrypted_xlsx_file(), "E-ENCRYPTED")
    assert "mật khẩu" in problem.message


def test_an_ods_file():
    assert "LibreOffice" in refused(files.ods_file(), "E-ODS").message


CSV_TEXT = "Mã đảng viên;Họ và tên;Mức xếp loại\nDV001;Nguyễn Văn An;Hoàn thành tốt nhiệm vụ\n"


@pytest.mark.parametrize("data", [
    CSV_TEXT.encode("utf-8"),
    CSV_TEXT.encode("utf-8-sig"),
    CSV_TEXT.encode("utf-16"),  # Excel's "Unicode text"
    b"Ma dang vien;Ho va ten\r\nDV001;Nguy\xd4n V\xa8n An\r\n",  # typed in the legacy TCVN3 font
], ids=["utf-8", "utf-8-bom", "utf-16", "tcvn3"])
def test_a_csv_file(data):
    assert "CSV" in refused(data, "E-CSV").message


def test_a_pdf_renamed_to_xlsx():
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    assert "PDF" in refused(pdf, "E-PDF").message


def test_an_empty_file():
    refused(b"", "E-EMPTY")


def test_a_file_over_the_size_limit(good):
    problem = refused(good, "E-TOO-BIG", limits=Limits(max_upload_bytes=1024 * 1024 // 100))
    assert "tối đa 0,0 MB" in problem.message


def test_a_truncated_upload(good):
    refused(good[: len(good) // 2], "E-CORRUPT")


def test_a_corrupted_entry(good):
    part = files.sheet_part(good, MEMBERS_SHEET).encode()
    at = good.find(part) + len(part) + 40  # inside that entry's compressed bytes
    damaged = good[:at] + bytes(byte ^ 0x5A for byte in good[at : at + 64]) + good[at + 64 :]
    refused(damaged, "E-CORRUPT")


def test_an_image_or_other_binary():
    refused(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "E-NOT-XLSX")


def test_a_word_document_renamed():
    docx = files.make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    refused(docx, "E-NOT-XLSX")


def test_an_xlsb_workbook():
    refused(files.make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"}), "E-XLSB")


def test_a_macro_workbook(good):
    problem = refused(files.add_parts(good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512}), "E-MACRO")
    assert "macro" in problem.message


def test_a_zip_bomb_by_ratio(good):
    refused(files.dense_bomb(good, megabytes=20), "E-ZIP-BOMB")


def test_a_zip_bomb_by_declared_size(good):
    refused(good, "E-ZIP-BOMB", limits=Limits(max_part_bytes=4_000))


def test_a_zip_bomb_that_lies_about_its_size(good):
    """The directory says 2 KB; the deflate stream gives more: refused before any parser reads it."""
    part = files.sheet_part(good, MEMBERS_SHEET)
    refused(files.lying_sizes(good, part, declared=2_000), "E-ZIP-BOMB")


def test_a_zip_with_too_many_entries():
    refused(files.many_entries(2_500), "E-ZIP-BOMB")


def test_an_xml_entity_bomb(good):
    bomb = files.patch_part(good, "xl/workbook.xml", rb"^", files.BILLION_LAUGHS)
    assert "XML" in refused(bomb, "E-XML-BOMB").message
    sheet_bomb = files.patch_part(good, files.sheet_part(good, MEMBERS_SHEET), rb"^", files.BILLION_LAUGHS)
    refused(sheet_bomb, "E-XML-BOMB")


def test_a_sheet_claiming_a_huge_dimension(good):
    part = files.sheet_part(good, MEMBERS_SHEET)
    huge = files.patch_part(good, part, rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"')
    problem = refused(huge, "E-DIMENSION")
    assert MEMBERS_SHEET in problem.message and "A1:XFD1048576" in problem.message


FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'


def far_cell_workbook(good: bytes, cell: bytes = FAR_CELL) -> bytes:
    """A small claimed dimension, and one real cell at the sheet's last row and column."""
    return files.patch_part(good, files.sheet_part(good, MEMBERS_SHEET), rb"</sheetData>", cell)


def test_a_far_away_cell_behind_a_small_dimension(good):
    problem = refused(far_cell_workbook(good), "E-DIMENSION")
    assert "A1:XFD1048576" in problem.message


@pytest.mark.parametrize("cell", [
    b'<row r="200000"><c s="1" r="A200000"><v>1</v></c></row></sheetData>',  # r not the first attribute
    b'<row r="2"><c r="A2"><v>1</v></c>' + b"<c><v>1</v></c>" * 300 + b"</row></sheetData>",  # cells without r
    b'<row r="3"><c r="a123456789"><v>1</v></c></row></sheetData>',  # lower case, more digits than a sheet has
    b'<row r="3"><x:c r="AAAAA3" xmlns:x="urn:x"><x:v>1</x:v></x:c></row></sheetData>',  # prefixed, 5 letters
])
def test_cells_placed_in_unusual_ways_are_counted_too(good, cell):
    refused(far_cell_workbook(good, cell), "E-DIMENSION")


def test_a_shared_strings_count_that_would_exhaust_memory(good):
    strings = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
              b'count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    refused(files.add_parts(good, {"xl/sharedStrings.xml": strings}), "E-CORRUPT")


def test_hostile_files_run_in_bounded_memory(tmp_path, good):
    """In a child process capped at 2 GB of address space: calamine alone aborts the whole process on these
    (it allocates the sheet's full range, or the declared string count); the guards stop them first."""
    strings = b'<sst count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    cases = {
        "far.xlsx": far_cell_workbook(good),
        "strings.xlsx": files.add_parts(good, {"xl/sharedStrings.xml": strings}),
        "bomb.xlsx": files.dense_bomb(good, megabytes=40),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
        from kdweb.excel import read_upload
        for name in {sorted(cases)!r}:
            data = open({str(tmp_path)!r} + "/" + name, "rb").read()
            result = read_upload(data, secret=b"x", expected_unit_code="KM", open_cycle_year=2024,
                                 known_template_versions={{"2024.1"}})
            print(name, result.problem.code)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["bomb.xlsx", "E-ZIP-BOMB", "far.xlsx", "E-DIMENSION", "strings.xlsx", "E-CORRUPT"]


def test_the_guards_stream_a_large_part_in_flat_memory(good):
    """60 MB of sheet, let through the ratio check on purpose: inflated and scanned in chunks, never whole."""
    big = files.dense_bomb(good, megabytes=60)
    tracemalloc.start()
    try:
        check_upload(big, Limits(max_ratio=10_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024
    with pytest.raises(Refusal):
        check_upload(big)


def test_a_real_workbook_passes_the_guards(good):
    check_upload(good)


def test_the_exact_count_lets_a_modest_sheet_through(good):
    """Unusual markup only sends the sheet to the exact count; a cell at A40000 is still a fair sheet."""
    data = far_cell_workbook(good, b'<row r="40000"><c s="1" r="A40000"><v>1</v></c></row></sheetData>')
    result = read_demo(data)
    assert result.ok and result.problem is None


@pytest.mark.parametrize(("ref", "suspect"), [
    (b"A1", False), (b"Z12345", False), (b"AB30004", False), (b"AX49999", False),
    (b"AY1", True), (b"BA1", True), (b"A50000", True), (b"A0", True), (b"A01", True), (b"a1", True), (b"$A$1", True),
])
def test_the_fast_pass_takes_only_cells_inside_its_box(ref, suspect):
    """AX49999: 50 columns by 49,999 rows, 2,499,950 cells, inside the default 2,500,000."""
    cell = b'<c r="' + ref + b'" s="1"><v>1</v></c>'
    assert (safety._SUSPECT.search(cell) is not None) is suspect


# the box as first written, one pattern for the column and the row: the fast pass's own regex, reordered for speed,
# must find exactly what it finds
_BOX_AS_WRITTEN = re.compile(rb'<c(?! r="(?:A?[A-X]|[A-Z])(?:[1-9][0-9]{0,3}|[1-4][0-9]{4})")[\s/>]')


def _column_letters(column: int) -> bytes:
    letters = b""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = bytes([65 + remainder]) + letters
    return letters


def test_the_fast_pass_box_is_the_box_as_written():
    """Every column up to ZZ and past it, rows at each boundary, odd forms and tags that are no cell."""
    columns = [_column_letters(column) for column in range(1, 26 * 27 + 1)] + [b"AAA", b"XFD", b"a", b"$A", b""]
    rows = [b"1", b"9", b"10", b"99", b"999", b"1000", b"9999", b"10000", b"12345", b"40000", b"49999", b"50000",
            b"99999", b"100000", b"0", b"01", b"007", b"1x", b"", b"$1"]
    tails = [b'"', b'" s="1"', b'"/>', b'">', b'x"', b"'"]
    cells = [b'<c r="' + column + row + tail for column in columns for row in rows for tail in tails]
    cells += [b"<c>", b"<c/>", b'<c s="1" r="A1">', b'<c  r="A1">', b'<c\tr="A1">', b'<c\nr="A1">', b"<col ",
              b'<c r=\'A1\'>', b'<cols>', b'<c r="A1"', b"<c", b'<c r="A', b'<c r="A1']
    for cell in cells:
        for text in (cell, b"<row>" + cell + b"</row>", cell + b'<c r="A1"/>', b'<c r="B2"/>' + cell):
            assert (safety._SUSPECT.search(text) is None) is (_BOX_AS_WRITTEN.search(text) is None), text


def test_a_30000_member_sheet_needs_no_exact_count(good, monkeypatch):
    """A large unit's sheet (28 columns, rows past 20,000) stays on the fast pass: the exact count costs seconds."""
    data = far_cell_workbook(good, b'<row r="30004"><c r="AB30004" s="1"><v>1</v></c></row></sheetData>')
    monkeypatch.setattr(safety, "_exact_sheet_pass", lambda *args: pytest.fail("sent to the exact count"))
    check_upload(data)


def test_one_column_beyond_the_fast_box_is_counted_and_refused(good):
    """51 columns by 49,999 rows is 2,549,949 cells: over the limit, found by the exact count."""
    refused(far_cell_workbook(good, b'<row r="49999"><c r="AY49999"><v>1</v></c></row></sheetData>'), "E-DIMENSION")


def test_stricter_limits_than_the_fast_box_count_every_sheet(good):
    data = far_cell_workbook(good, b'<row r="5000"><c r="A5000"><v>1</v></c></row></sheetData>')
    refused(data, "E-DIMENSION", limits=Limits(max_rows=1_000))
    assert read_demo(data).ok


@pytest.mark.parametrize("text", ["Tốt", "fee of office staff " * 20], ids=["few f's", "an f in every few bytes"])
def test_formulas_without_a_stored_value_are_found_from_their_f_as_by_the_regex(text):
    """safety._uncomputed finds what _UNCOMPUTED.finditer finds: from each 'f' while they are few, by the regex
    past one in 4 KB."""
    cells = [b'<c r="A%d" t="inlineStr"><is><t>%s</t></is></c>' % (row, text.encode()) for row in range(1, 40)]
    cells[3] = b'<c r="B4"><f>SUM(C1:C3)</f><v/></c>'
    cells[20] = b'<c r="B21"><f t="shared" si="0"/></c>'
    cells[30] = b'<c r="B31" t="str"><f>"x"</f><v></v></c>'
    chunk = b"<sheetData>" + b"".join(cells) * 20 + b"</sheetData>"
    expected = [match.span() for match in safety._UNCOMPUTED.finditer(chunk)]
    assert len(expected) == 60 and [match.span() for match in safety._uncomputed(chunk)] == expected


def _bloated_styles(good: bytes, formats: int) -> bytes:
    """The workbook with Excel's style bloat: tens of thousands of near-identical cell formats, which copying and
    pasting between workbooks leaves in xl/styles.xml; such a part compresses some 200:1."""
    parts = files.zip_parts(good)
    styles = parts["xl/styles.xml"]
    extra = b"".join(b'<xf numFmtId="0" fontId="0" fillId="0" borderId="%d" xfId="0" applyBorder="1"/>' % (n % 3)
                     for n in range(formats))
    at = styles.index(b"</cellXfs>")
    parts["xl/styles.xml"] = styles[:at] + extra + styles[at:]
    return files.make_zip(parts)


def test_a_workbook_with_excels_style_bloat_is_read_not_called_a_bomb(good):
    bloated = _bloated_styles(good, 60_000)
    parts = files.zip_parts(bloated)
    import zlib
    assert len(parts["xl/styles.xml"]) > 100 * len(zlib.compress(parts["xl/styles.xml"], 6))  # denser than 100:1
    result = read_demo(bloated)
    assert result.ok, result.problem


def test_a_styles_part_of_nothing_but_blanks_is_still_a_bomb(good):
    parts = files.zip_parts(good)
    parts["xl/styles.xml"] = parts["xl/styles.xml"] + b" " * (20 * 1024 * 1024)
    refused(files.make_zip(parts), "E-ZIP-BOMB")


def test_the_relationships_kept_for_the_process_are_those_of_the_part_read():
    """safety._relationships answers from a memo of the process: for relationship parts that differ in a target,
    a type, an id, a quote or an entity, read in any order and again, each gets what a fresh reading of its own
    bytes gives, as read-only views; past the memo's bound and past its size limit, still; forgetting empties it."""
    from kdweb.rules import process_memos

    def rels(*entries: bytes) -> bytes:
        return (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                b'relationships">' + b"".join(entries) + b"</Relationships>")

    sheet = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    entries = [b'<Relationship Id="rId%d" Type="%s" Target="%s"/>' % (number, kind, target)
               for number in (1, 2) for kind in (sheet, b"x/sharedStrings", b"")
               for target in (b"worksheets/sheet1.xml", b"/xl/worksheets/sheet2.xml", b"../x.xml", b"a&amp;b.xml",
                              b"xl/worksheets/sheet1.xml")]
    entries += [b"<Relationship Id='rId1' Target='worksheets/sheet3.xml' Type='t'/>", b'<Relationship Target="x"/>']
    parts = [rels(entry) for entry in entries] + [rels(*entries[:7]), rels(*entries[3:]), rels(*entries) * 40]
    parts += [rels(b'<Relationship Id="rId%d" Type="t" Target="s%d.xml"/>' % (number, number)) for number in range(80)]
    process_memos.forget()
    for _ in range(3):
        for part in parts + parts[::-1]:
            targets, related = safety._relationships(part)
            fresh = safety._targets_in(part)
            assert dict(targets) == fresh and dict(related) == safety._parts_read_as_markup(fresh)
            with pytest.raises(TypeError):
                targets[b"rId9"] = ("x", "", b"x")
    assert 0 < len(safety._RELATIONSHIPS) <= safety._RELATIONSHIPS.bound
    assert rels(*entries) * 40 not in safety._RELATIONSHIPS  # larger than a template's: read each time
    process_memos.forget()
    assert not safety._RELATIONSHIPS
