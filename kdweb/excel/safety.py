"""Guards run on an upload's bytes before any parser sees them, so a hostile file costs bounded memory and time.

Each guard raises `Refusal` with its own code. The zip is inflated once, in chunks, to check what its
directory declares: real sizes, and for every part whatever its name: XML in UTF-8 without DTD or entity
declarations (an expat pass over the prolog), and, for every part that is a worksheet by the workbook's
relationships or by its root element, the range that calamine would allocate densely for its cells (it aborts
the whole process on a failed allocation), how many cells hold values, and how many bytes their shared strings
expand to. A fast pass over raw bytes settles the plain sheets Excel and LibreOffice write; anything it cannot
vouch for gets an exact expat pass. The readers run in the sandbox (kdweb/isolation.py) behind these guards.
"""
from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping
from xml.parsers import expat

from isal import igzip_lib
from isal import isal_zlib as zlib  # inflates as zlib does, in less CPU (docs/reading.md, 14)

from kdweb.rules.process_memos import bounded

from . import sniff
from .problems import refuse


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int = 25 * 1024 * 1024
    max_entries: int = 2_000
    max_directory_bytes: int = 1024 * 1024
    max_part_bytes: int = 96 * 1024 * 1024
    max_total_bytes: int = 192 * 1024 * 1024
    max_ratio: int = 100  # declared ÷ compressed, for parts above ratio_floor_bytes
    # xl/styles.xml: Excel's style bloat (tens of thousands of near-identical cell formats, left by copying and
    # pasting between workbooks) compresses some 200–250:1; a part of one repeated byte, over 1,000:1, is still refused
    max_styles_ratio: int = 600
    ratio_floor_bytes: int = 1024 * 1024
    max_rows: int = 50_000
    max_columns: int = 256
    max_cells: int = 2_500_000  # rows × columns from A1: what calamine allocates for a sheet
    max_shared_strings: int = 1_000_000
    max_total_cells: int = 4_000_000  # cells holding a value, across all sheets
    max_string_expansion: int = 32 * 1024 * 1024  # bytes: each shared-string cell × its string's length
    max_run_bytes: int = 8 * 1024 * 1024  # a tag or text run with no '<' in it (Excel's longest cell: 128 KB)
    max_search_bytes: int = 64 * 1024 * 1024  # sheet XML read while looking for a renamed sheet
    max_search_sheets: int = 8


DEFAULT_LIMITS = Limits()
CHUNK = 1024 * 1024

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_XML_BOMB = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
# A cell that is not '<c r="..."' within AX49999 (the box of the fast pass: 50 columns, 49,999 rows), or a prefixed
# cell or row tag, sends the sheet to the exact, slower count of what calamine will allocate. The box holds a
# 30,000-member sheet (28 columns) and, at 2,499,950 cells, fits the default limits; under stricter limits every
# sheet gets the exact count.
_FAST_BOX = (49_999, 50)
# The usual cell first, one letter and rows 1-9,999, with no alternation and its digits taken at once ('{0,3}+':
# a '"' cannot follow fewer of them), then two letters, then rows 10,000-49,999: the same box as
# '(?! r="(?:A?[A-X]|[A-Z])(?:[1-9][0-9]{0,3}|[1-4][0-9]{4})")' in a fifth less CPU (a 1,000-member sheet: 0.80 ms,
# not 1.0), the largest of the guards' passes.
_SUSPECT = re.compile(rb'<c(?! r="[A-Z][1-9][0-9]{0,3}+")(?! r="A[A-X][1-9][0-9]{0,3}")'
                      rb'(?! r="(?:[A-Z]|A[A-X])[1-4][0-9]{4}")[\s/>]')
_PREFIXED = re.compile(rb":(?:c|row|v)[\s/>]")
_ROOT = re.compile(rb"<[A-Za-z_]")
# Any attribute written with spaces around '=', single quotes, or after a tab or newline: the fast count of
# ' t="s"' could miss a shared-string cell written so (see _plain_attributes). calamine compares the raw value,
# so an entity in it ('t="&#115;"') is no shared string to it; openpyxl shares one str among references.
_ODD_ATTRIBUTES = (b" =", b"\t=", b"\n=", b"\r=", b"= ", b"=\t", b"=\n", b"=\r", b"='", b"\tt=", b"\nt=", b"\rt=")
_RARE_BYTES = (b"\t", b"\n", b"\r", b"'")
_BREAKS = (b"\t", b"\n", b"\r")
_ODD_AFTER_EQUALS = re.compile(rb"=[ \t\n\r']")  # _ODD_ATTRIBUTES that begin with '=': a literal first byte, a fast scan
_CLOSED_TAG = re.compile(rb"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_REF = re.compile(rb"\$?([A-Za-z]+)\$?([0-9]+)$")
_BEYOND = (10**9, 10**9)  # a reference longer than any sheet has: as far away as it gets
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")
_STRING_COUNT = re.compile(rb"\b(?:uniqueCount|count)\s*=\s*[\"']([0-9]+)[\"']")
_SMALLEST_CELL_BYTES = len(b"<c/>")
_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",)
# A cell holding an Excel error, as Excel and LibreOffice write it (t="e", its formula if any, then its text);
# looked for only in a chunk that holds ' t="e"', so a sheet without one pays a single search per chunk.
_MARKER = re.compile(rb'e(?:"(?<= t="e")|nsion(?<=dimension))')  # see _markers
_ERROR_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_ERROR_TEXT = re.compile(rb'(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]{1,16})</v>')
MAX_ERROR_CELLS = 1_000  # per sheet: enough to tell the unit; the rest still read as blank
# A cell holding a formula with no value stored: openpyxl and other scripts write '<f>…</f><v />' or no <v> at all
# (Excel and LibreOffice always store the value; an empty text result is t="str" with '<v></v>'). calamine reads
# it as blank. Looked for from the 'f' of '</f>' or '<f …/>', a letter Vietnamese text never has.
_UNCOMPUTED = re.compile(rb'f(?:>(?<=</f>)|(?<=<f)[\s/][^>]*(?<=/)>)(?:<v\s*/>|<v></v>)?</c>')
_FORMULA_TEXT = re.compile(rb'<f\b[^>]*>([^<]{1,200})</f>')


@dataclass
class PackageReport:
    """What the guards learnt that the reader uses: each sheet's XML size by tab name, and the cells that hold an
    Excel error (#N/A, #REF!…) by tab name, each with its text, and those holding a formula whose value the file
does not store, each with its formula: calamine reads both as blank."""

    sheet_bytes: dict[str, int] = field(default_factory=dict)
    error_cells: dict[str, dict[str, str]] = field(default_factory=dict)
    formula_cells: dict[str, dict[str, str]] = field(default_factory=dict)  # no value stored: {ref: formula}
    date1904: bool = False  # workbookPr date1904: calamine reads every date serial from 1904-01-01


def check_upload(data: bytes, limits: Limits = DEFAULT_LIMITS, stored_copy=None) -> PackageReport:
    """Refuse anything that is not a plain, reasonably sized .xlsx package. With `stored_copy` (a file open for
    writing), also write into it the package as the guards read it, its worksheets and shared strings stored as
    they inflate them (`StoredCopy`): calamine then reads them without inflating them again. What the file holds
    is of use only once this returns: a refusal leaves it half written."""
    if len(data) > limits.max_upload_bytes:
        raise refuse("E-TOO-BIG", size_mb=_mb(len(data)), limit_mb=_mb(limits.max_upload_bytes))
    kind = sniff.sniff(data)
    if kind != sniff.ZIP:
        raise _refusal_for_kind(kind, data)
    _check_directory_size(data, limits)
    with _open_zip(data) as archive:
        infos = archive.infolist()
        _check_names(archive, infos)
        _check_declared_sizes(infos, limits)
        copy = StoredCopy(stored_copy) if stored_copy is not None else None
        report = _scan_parts(archive, data, infos, limits, copy)
        if copy is not None:
            copy.finish()
        return report


_MARKUP_CODES = {sniff.WEB_PAGE: "E-WEB-PAGE", sniff.SPREADSHEET_XML: "E-XML-2003", sniff.FLAT_ODS: "E-ODS",
                 sniff.OTHER_XML: "E-NOT-XLSX"}


def _refusal_for_kind(kind: str, data: bytes):
    if kind == sniff.TEXT:
        markup = sniff.markup_kind(data)
        return refuse(_MARKUP_CODES.get(markup, "E-CSV"), detail=f"text: {markup or 'plain'}")
    code = {
        sniff.EMPTY: "E-EMPTY",
        sniff.OLE2_XLS: "E-XLS",
        sniff.OLE2_ENCRYPTED: "E-ENCRYPTED",
        sniff.PDF: "E-PDF",
    }.get(kind, "E-NOT-XLSX")
    return refuse(code, detail=f"sniffed {kind}")


def _check_directory_size(data: bytes, limits: Limits) -> None:
    """Read the end-of-directory record ourselves: a huge directory would cost memory before zipfile returns."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or len(data) < at + 22:
        raise refuse("E-CORRUPT", detail="no end of central directory (truncated?)")
    entries, directory_bytes = struct.unpack_from("<10xHI", data, at)
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        entries, directory_bytes = _zip64_counts(data, at)
    if entries > limits.max_entries or directory_bytes > limits.max_directory_bytes:
        raise refuse("E-ZIP-BOMB", detail=f"{entries} entries, directory {directory_bytes} bytes")


def _zip64_counts(data: bytes, eocd_at: int) -> tuple[int, int]:
    locator = eocd_at - 20
    if locator < 0 or data[locator : locator + 4] != _EOCD64_LOCATOR:
        raise refuse("E-CORRUPT", detail="zip64 locator missing")
    (record_at,) = struct.unpack_from("<8xQ", data, locator)
    if record_at + 56 > len(data):
        raise refuse("E-CORRUPT", detail="zip64 record outside the file")
    entries, directory_bytes = struct.unpack_from("<32xQQ", data, record_at)
    return entries, directory_bytes


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as error:
        raise refuse("E-CORRUPT", detail=f"zip directory: {error}") from None


def _check_names(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    names = {info.filename for info in infos}
    if len(names) != len(infos):  # no program writes two entries of one name; readers disagree on which counts
        raise refuse("E-CORRUPT", detail="two zip entries of one name")
    if "mimetype" in names:
        mimetype = _read_small(archive, "mimetype")
        raise refuse("E-ODS" if mimetype.startswith(_ODS_MIMETYPES) else "E-NOT-XLSX", detail=repr(mimetype[:80]))
    lowered = {name.lower() for name in names}
    if any(name.endswith("vbaproject.bin") or name.startswith("xl/macrosheets/") for name in lowered):
        raise refuse("E-MACRO", detail="VBA project or Excel 4.0 macro sheet")
    if "xl/workbook.bin" in lowered:
        raise refuse("E-XLSB")
    if "xl/workbook.xml" not in names:
        raise refuse("E-NOT-XLSX", detail="no xl/workbook.xml")
    if any(info.flag_bits & 0x1 for info in infos):
        raise refuse("E-ENCRYPTED", detail="zip entry encryption")
    if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for info in infos):
        raise refuse("E-CORRUPT", detail="unsupported compression method")


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(200)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise refuse("E-CORRUPT", detail=f"{name}: {error}") from None


def _check_declared_sizes(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        ratio = limits.max_styles_ratio if info.filename == _STYLES else limits.max_ratio
        too_dense = (
            info.file_size > limits.ratio_floor_bytes
            and info.file_size > max(info.compress_size, 1) * ratio
        )
        if info.file_size > limits.max_part_bytes or total > limits.max_total_bytes or too_dense:
            raise refuse(
                "E-ZIP-BOMB",
                detail=f"{info.filename}: {info.compress_size} → {info.file_size} bytes, total {total}",
            )


_STYLES = "xl/styles.xml"
_SHEET_TYPES = ("/worksheet", "/chartsheet", "/dialogsheet", "/macrosheet", "/xlMacrosheet", "/xlIntlMacrosheet")
_SHEET_ROOTS = frozenset({"worksheet", "chartsheet", "dialogsheet", "macrosheet"})


@dataclass
class _Tally:
    """Across all parts: cells with values, shared-string cells, and the shared strings' lengths."""

    cells: int = 0
    string_lengths: list[int] | None = None
    sheet_parts: list = field(default_factory=list)  # (info, shared-string cells if the exact pass counted them)
    error_cells: dict = field(default_factory=dict)  # part name → {cell reference: error text}
    formula_cells: dict = field(default_factory=dict)  # part name → {cell reference: formula}
    counting: bool = True  # whether the fast pass counts its cells


def _scan_parts(archive: zipfile.ZipFile, data: bytes, infos: list[zipfile.ZipInfo], limits: Limits,
                copy: StoredCopy | None = None) -> PackageReport:
    # each part calamine may parse → its relationship type ("" if none)
    targets, related = _relationships(_read_capped(archive, "xl/_rels/workbook.xml.rels"))
    tally = _Tally()
    # every cell takes at least the 4 bytes of '<c/>' of its part's declared (and checked) size: a package too small
    # to hold max_total_cells cells (10,000 members take 9 MB, the bound 16 MB) is not counted by the fast pass
    tally.counting = sum(info.file_size for info in infos) > limits.max_total_cells * _SMALLEST_CELL_BYTES
    # the workbook's sheets, known first: only their error cells and formulas are noted (the report names no other)
    workbook = _read_capped(archive, "xl/workbook.xml")
    names = _sheet_names(archive, targets, workbook)
    for info in infos:
        _scan_part(archive, data, info, limits, related.get(info.filename), tally, copy, info.filename in names)
        if tally.cells > limits.max_total_cells:
            raise refuse("E-TOO-MANY-CELLS", detail=f"more than {tally.cells} cells", limit=f"{limits.max_total_cells:,}".replace(",", "."))
    _check_string_expansion(data, tally, limits)
    sizes = {info.filename: info.file_size for info in infos}
    return PackageReport({name: sizes.get(part, 0) for part, name in names.items()},
                         {names[part]: cells for part, cells in tally.error_cells.items() if part in names},
                         {names[part]: cells for part, cells in tally.formula_cells.items() if part in names},
                         _DATE1904.search(workbook) is not None)


def _scan_part(archive, data: bytes, info: zipfile.ZipInfo, limits: Limits, relationship: str | None, tally: _Tally,
               copy: StoredCopy | None = None, noted: bool = True) -> None:
    """`noted`: the part is a sheet of the workbook, whose error cells and formulas without a value are noted."""
    if copy is None:
        _scan_part_bytes(archive, data, info, limits, relationship, tally, _chunks(data, info, limits), noted)
    elif (relationship or "").endswith(_STORED_TYPES):  # what calamine inflates: stored as the guards inflate it
        copy.begin(info)
        inflated = _inflate(data, info, copy.write)
        _scan_part_bytes(archive, data, info, limits, relationship, tally, _chunks(data, info, limits, inflated), noted)
        for _ in inflated:  # a shared-string table past one chunk is measured apart: its first inflating ends here
            pass
        copy.end(info)
    else:  # the rest as it came, once the guards have read it
        _scan_part_bytes(archive, data, info, limits, relationship, tally, _chunks(data, info, limits), noted)
        copy.raw(info, _raw_entry(data, info))


def _scan_part_bytes(archive, data: bytes, info: zipfile.ZipInfo, limits: Limits, relationship: str | None,
                     tally: _Tally, chunks, noted: bool = True) -> None:
    head = next(chunks, b"")
    root = _xml_root(head, info)
    if root is None and relationship is not None and (head.strip() or info.file_size > len(head)):
        # text before the first tag: calamine would read the markup after it, which the guards let pass unread
        raise refuse("E-CORRUPT", detail=f"{info.filename}: a part the reader parses does not begin as XML")
    relationship = relationship or ""
    is_sheet = relationship.endswith(_SHEET_TYPES) or root in _SHEET_ROOTS
    if root == "sst" or relationship.endswith("/sharedStrings"):
        tally.string_lengths = _merge_lengths(tally.string_lengths, _string_lengths(data, info, head, limits))
        return
    if root is None and not is_sheet:
        for _ in chunks:  # media and the like: only their real size matters
            pass
        return
    errors, formulas = ({}, {}) if noted else (None, None)
    suspect, cells = _fast_sheet_pass(archive, info, head, chunks, limits, errors, tally.counting, formulas)
    if errors:
        tally.error_cells[info.filename] = errors
    if formulas:
        tally.formula_cells[info.filename] = formulas
    string_cells = None
    if suspect:
        cells, string_cells = _exact_sheet_pass(archive, data, info, limits)
    tally.cells += cells
    tally.sheet_parts.append((info, string_cells))


def _xml_root(head: bytes, info: zipfile.ZipInfo) -> str | None:
    """The root element's local name when the part is XML (None when it is not), after refusing XML that is not
    UTF-8 or that declares a DTD or entities. expat reads the prolog exactly: comments, PIs and odd spacing
    cannot hide a declaration from it."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        raise refuse("E-XML-BOMB", detail=f"{info.filename}: XML not in UTF-8")
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if not body.lstrip()[:1] == b"<":
        if _XML_BOMB.search(head):
            raise refuse("E-XML-BOMB", detail=info.filename)
        return None
    found: list[str] = []

    def declared(*_):
        raise refuse("E-XML-BOMB", detail=info.filename)

    def start(name, _attributes):
        found.append(name.rsplit(":", 1)[-1])
        raise _RootReached

    parser = expat.ParserCreate(encoding="utf-8")
    parser.StartDoctypeDeclHandler = declared
    parser.EntityDeclHandler = declared
    parser.StartElementHandler = start
    try:
        parser.Parse(head, False)
    except _RootReached:
        return found[0]
    except expat.ExpatError:
        if _XML_BOMB.search(head):
            raise refuse("E-XML-BOMB", detail=info.filename) from None
        return "?"  # not well-formed: the fast and exact passes still look at it; the parsers will refuse it
    if _XML_BOMB.search(head):
        raise refuse("E-XML-BOMB", detail=f"{info.filename}: prolog longer than one chunk")
    return "?"


class _RootReached(Exception):
    pass


def _fast_sheet_pass(archive, info, head: bytes, chunks, limits: Limits, errors: dict | None,
                     counting: bool, formulas: dict | None) -> tuple[bool, int]:
    """(needs the exact pass, cells with values: 0 unless `counting`), from raw bytes, noting the error cells in
    `errors` and the formulas without a stored value in `formulas` (None for a part that is no sheet of the
    workbook: nothing noted). Every chunk holds whole tags (see _chunks); any cell or row not in the plain form
    Excel writes makes the part suspect."""
    suspect = _too_big(*_FAST_BOX, limits)
    cells = 0
    for chunk in _all(head, chunks):
        if errors is None:
            dimensions = _words(chunk, b"dimension")
        else:
            error_cell, dimensions = _markers(chunk)
            if error_cell and len(errors) < MAX_ERROR_CELLS:
                _note_error_cells(chunk, errors)
            if len(formulas) < MAX_ERROR_CELLS:
                _note_uncomputed_formulas(chunk, formulas)
        for match in _dimensions(chunk, dimensions):
            _check_claimed_dimension(archive, info, match, limits)
        if not suspect:
            suspect = _SUSPECT.search(chunk) is not None or _prefixed(chunk)
        if counting:  # '<c>' and other forms make the part suspect, and the exact pass counts
            cells += chunk.count(b"<c ")
    return suspect, cells


def _markers(chunk: bytes) -> tuple[bool, list[int]]:
    """(whether ' t="e"' occurs, where each 'dimension' starts), in one pass of a search that starts from their
    common letter, rare in a sheet, 'e' (an 8 MB sheet: two searches, from ' ' and from 'd', cost 1.7 times as
    much, `in` three times)."""
    dimensions = []
    match = _MARKER.search(chunk)
    while match is not None:
        if match.end() - match.start() == 2:  # 'e"' of ' t="e"': the rest of the chunk only for its dimensions
            at = chunk.find(b"dimension", match.end())
            while at >= 0:
                dimensions.append(at)
                at = chunk.find(b"dimension", at + 1)
            return True, dimensions
        dimensions.append(match.start() - 3)
        match = _MARKER.search(chunk, match.end())
    return False, dimensions


def _words(chunk: bytes, word: bytes) -> list[int]:
    """Where each `word` starts in the chunk (memchr speed: what _markers finds of 'dimension', without its search
    for error cells)."""
    found = []
    at = chunk.find(word)
    while at >= 0:
        found.append(at)
        at = chunk.find(word, at + 1)
    return found


def _dimensions(chunk: bytes, found: list[int]):
    """What _DIMENSION.finditer(chunk) finds, from the words 'dimension' `found`: a match starts at the last '<'
    before its word (a prefix holds no '<'), so only those are tried, never every tag of the chunk."""
    end = 0
    for at in found:
        start = chunk.rfind(b"<", 0, at)
        if start >= end:
            match = _DIMENSION.match(chunk, start)
            if match is not None:
                end = match.end()
                yield match


def _prefixed(chunk: bytes) -> bool:
    """_PREFIXED.search(chunk) found, from its colons: a sheet holds few (xml:space), found at memchr speed and
    matched there, while a regex pass costs some 0.3 ms a megabyte; past one colon in 4 KB (a theme, a small
    part) the regex takes the rest."""
    at = chunk.find(b":")
    for _ in range(len(chunk) // 4096):
        if at < 0:
            return False
        if _PREFIXED.match(chunk, at) is not None:
            return True
        at = chunk.find(b":", at + 1)
    return at >= 0 and _PREFIXED.search(chunk, at) is not None


def _note_error_cells(chunk: bytes, errors: dict) -> None:
    for match in _ERROR_CELL.finditer(chunk):
        ref = _CELL_REF.search(match.group())
        if ref is None or len(errors) >= MAX_ERROR_CELLS:
            continue
        text = _ERROR_TEXT.match(chunk, match.end())
        errors[ref.group(1).decode()] = text.group(1).decode("utf-8", "replace").strip() if text else "#LỖI"


def _note_uncomputed_formulas(chunk: bytes, formulas: dict) -> None:
    for match in _uncomputed(chunk):
        start = chunk.rfind(b"<c ", 0, match.start())
        tag_end = chunk.find(b">", start)
        ref = _CELL_REF.search(chunk, start, tag_end) if start >= 0 else None
        # (finds within bounds: the `in` of a slice, uncopied)
        if ref is None or (chunk.find(b't="str"', start, tag_end) >= 0 and chunk.find(b"<v", *match.span()) >= 0):
            continue  # no cell found, or a text formula whose stored value is empty text
        text = _FORMULA_TEXT.search(chunk, tag_end, match.end())
        formulas[ref.group(1).decode()] = "=" + _unescaped(text.group(1).decode("utf-8", "replace")) if text else ""
        if len(formulas) >= MAX_ERROR_CELLS:
            return


def _uncomputed(chunk: bytes):
    """_UNCOMPUTED.finditer(chunk), from its f's: a sheet holds few (its tags' names, no Vietnamese word), found at
    memchr speed and matched there, while the regex's own scan for them costs some 0.24 ms a megabyte; past one f
    in 4 KB (English text, say) the regex takes the rest."""
    at = chunk.find(b"f")
    for _ in range(len(chunk) // 4096):
        if at < 0:
            return
        match = _UNCOMPUTED.match(chunk, at)
        if match is not None:
            yield match
        at = chunk.find(b"f", match.end() if match is not None else at + 1)
    if at >= 0:
        yield from _UNCOMPUTED.finditer(chunk, at)


def _fast_string_cells(data: bytes, info: zipfile.ZipInfo, limits: Limits) -> int | None:
    """Shared-string cells of a plain sheet by counting ' t="s"'; None when an attribute in an odd form could
    hide one from the count. Only asked for when the package has a shared-string table (Excel's files; not the
    workbooks kdweb writes, whose text is inline)."""
    cells = 0
    for chunk in _chunks(data, info, limits):
        if not _plain_attributes(chunk):
            return None
        cells += chunk.count(b' t="s"')
    return cells


def _plain_attributes(chunk: bytes) -> bool:
    """No attribute in an odd form (_ODD_ATTRIBUTES). Excel, LibreOffice and openpyxl write no tab, newline or
    apostrophe in a sheet and put '"' right after every '=': single-byte searches and counts (memchr speed)
    settle those sheets; the rest (text with line breaks, say) get the substring searches, 15 times slower."""
    if not any(byte in chunk for byte in _RARE_BYTES) and chunk.count(b"=") == chunk.count(b'="'):
        return b' ="' not in chunk
    # not any(odd in chunk for odd in _ODD_ATTRIBUTES), in fewer passes: what follows an '=' in one search, what
    # stands before one only for the line breaks the chunk holds (LibreOffice ends its XML declaration with one)
    return (b" =" not in chunk and _ODD_AFTER_EQUALS.search(chunk) is None
            and not any(brk + b"=" in chunk or brk + b"t=" in chunk for brk in _BREAKS if brk in chunk))


def _all(head: bytes, chunks):
    yield head
    yield from chunks


def _exact_sheet_pass(archive, data: bytes, info: zipfile.ZipInfo, limits: Limits) -> tuple[int, int]:
    """calamine's own rules for cell positions, through expat (exact whatever the bytes look like): a valued
    cell's "r", else the running row and column. Returns (cells, shared-string cells)."""
    count = _CellCount(limits)
    parser = expat.ParserCreate(encoding="utf-8")
    parser.StartElementHandler = count.start
    parser.EndElementHandler = count.end
    try:
        for chunk in _inflate(data, info):
            parser.Parse(chunk, False)
            count.check(archive, info)
        parser.Parse(b"", True)
    except expat.ExpatError as error:  # calamine reads on past much that expat refuses: nothing past it was counted
        count.check(archive, info)
        raise refuse("E-CORRUPT", detail=f"{info.filename}: {error}") from None
    count.check(archive, info)
    return count.cells, count.string_cells


class _CellCount:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.row = self.column = self.last_row = self.last_column = 0
        self.cells = self.string_cells = 0
        self.dimension: str | None = None

    def start(self, name: str, attributes: dict) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "dimension" and "ref" in attributes:
            self.dimension = attributes["ref"]
        elif local == "row":
            position = attributes.get("r")
            if position is not None and position.strip().isdigit():
                self.row = int(position) - 1
        elif local == "c":
            self.cells += 1
            if attributes.get("t") == "s":
                self.string_cells += 1
            position = attributes.get("r")
            ref = _parse_ref(position.encode("utf-8", "replace")) if position is not None else (self.row + 1, self.column + 1)
            if ref is not None:
                self.column = ref[1]
                self.last_row, self.last_column = max(self.last_row, ref[0]), max(self.last_column, ref[1])

    def end(self, name: str) -> None:
        if name.rsplit(":", 1)[-1] == "row":
            self.row, self.column = self.row + 1, 0

    def check(self, archive, info) -> None:
        if self.dimension is not None:
            corners = [_parse_ref(part.encode("utf-8", "replace")) for part in self.dimension.split(":")]
            if all(corner is not None for corner in corners) and _too_big(
                    max(row for row, _ in corners), max(column for _, column in corners), self.limits):
                _refuse_dimension(archive, info, self.dimension)
        if _too_big(self.last_row, self.last_column, self.limits):
            _refuse_dimension(archive, info, f"A1:{_column_letters(self.last_column)}{self.last_row}")


def _string_lengths(data: bytes, info: zipfile.ZipInfo, head: bytes, limits: Limits) -> list[int]:
    """Each shared string's length in bytes, or more (never less): the distance from its <si> to the next.
    A part with comments, CDATA or PIs (where a fake <si> could hide) is measured exactly, through expat."""
    _check_string_count(head, limits)
    part = b"".join(_inflate(data, info))
    body = part[_ROOT.search(part).start():] if _ROOT.search(part) else part
    if b"<!" in body or b"<?" in body:
        return _exact_string_lengths(part)
    starts = [match.start() for match in _SI.finditer(part)] + [len(part)]
    if len(starts) - 1 > limits.max_shared_strings:
        raise refuse("E-CORRUPT", detail=f"sharedStrings holds {len(starts) - 1} strings")
    return [following - start for start, following in zip(starts, starts[1:])]


def _exact_string_lengths(part: bytes) -> list[int]:
    lengths: list[int] = []
    depth = [0]

    def start(name, _attributes):
        if name.rsplit(":", 1)[-1] == "si":
            lengths.append(0)

    def text(content):
        if lengths:
            lengths[-1] += len(content.encode("utf-8"))

    parser = expat.ParserCreate(encoding="utf-8")
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    try:
        parser.Parse(part, True)
    except expat.ExpatError as error:  # calamine may read strings past it, unmeasured
        raise refuse("E-CORRUPT", detail=f"sharedStrings: {error}") from None
    del depth
    return lengths


def _merge_lengths(known: list[int] | None, found: list[int]) -> list[int]:
    """Two string tables (a hostile package may carry more than one): the longer at each index."""
    if not known:
        return found
    longest = [max(pair) for pair in zip(known, found)]
    return longest + (known[len(found):] if len(known) > len(found) else found[len(known):])


def _check_string_expansion(data: bytes, tally: _Tally, limits: Limits) -> None:
    """Every shared-string cell becomes its own copy of the string: bound cells × referenced length, first by
    the longest string, then exactly where that bound is too coarse. A sheet's references are read once, from the
    bytes where its cells are plain (`_fast_string_references`, which counts them too), else by expat."""
    lengths = tally.string_lengths or []
    if not lengths:
        return
    counted = []  # (part, its shared-string cells or None, their references when read)
    for info, cells in tally.sheet_parts:
        references = None
        if cells is None:
            references = _fast_string_references(data, info, limits)
            cells = sum(references.values()) if references is not None else _fast_string_cells(data, info, limits)
        counted.append((info, cells, references))
    if all(cells is not None for _, cells, _ in counted) and (
            sum(cells for _, cells, _ in counted) * max(lengths) <= limits.max_string_expansion):
        return
    expansion = 0
    for info, cells, references in counted:
        if cells == 0:
            continue
        if references is None:
            references = _string_references(data, info)
        for index, times in references.items():
            expansion += times * (lengths[index] if 0 <= index < len(lengths) else 0)
            if expansion > limits.max_string_expansion:
                raise refuse("E-STRING-BOMB", detail=f"{info.filename}: shared strings expand past "
                                                     f"{limits.max_string_expansion} bytes",
                             limit_mb=_mb(limits.max_string_expansion))


# a shared-string cell's end as Excel and LibreOffice write it: its start tag's last attribute `t="s"`, then its
# value, the string's index, and its end (a second value, or anything else, and the cell is not of this form)
_STRING_CELL = re.compile(rb' t="s"><v>([0-9]{1,9})</v></c>')


def _fast_string_references(data: bytes, info: zipfile.ZipInfo, limits: Limits) -> Counter | None:
    """`_string_references` from the bytes, for a sheet whose every ' t="s"' ends a cell of the plain form
    (`_STRING_CELL`) in chunks of plain attributes (`_plain_attributes`); None for any other sheet, which expat then
    reads. A sheet Excel or LibreOffice saves holds thousands of such cells (every text is a shared string): expat's
    calls into Python for each of their tags cost ~40 ms at 500 members, this pass ~1.5 (bench/bench_excel.py
    --saved-by libreoffice). Each ' t="s"' must end one of the cells found, so none is left uncounted, and a cell
    holds one value, so none is counted short (expat counts every value of a cell; calamine keeps one)."""
    found: Counter = Counter()  # by the index as written
    carry = b""  # the chunk's last cell, from its start tag: its value may be in the next chunk
    for chunk in _chunks(data, info, limits):
        if not _plain_attributes(chunk):
            return None
        if carry:
            chunk = carry + chunk
        cut = chunk.rfind(b"<c ")
        chunk, carry = (chunk[:cut], chunk[cut:]) if cut > 0 else (chunk, b"")
        if not _counted(chunk, found):
            return None
    if not _counted(carry, found):
        return None
    references: Counter = Counter()
    for index, times in found.items():  # "7" and "07" are one string
        references[int(index)] += times
    return references


def _counted(text: bytes, found: Counter) -> bool:
    """The indexes of `text`'s plain shared-string cells added to `found`; False when a ' t="s"' in it does not end
    one of them."""
    indexes = _STRING_CELL.findall(text)
    found.update(indexes)
    return len(indexes) == text.count(b' t="s"')


def _string_references(data: bytes, info: zipfile.ZipInfo) -> Counter:
    """How many times each shared string is referenced by the part's cells (expat: exact)."""
    references: Counter = Counter()
    state = {"string": False, "value": False, "text": []}

    def start(name, attributes):
        local = name.rsplit(":", 1)[-1]
        if local == "c":
            state["string"] = attributes.get("t") == "s"
        elif local == "v" and state["string"]:
            state["value"], state["text"] = True, []

    def end(name):
        if name.rsplit(":", 1)[-1] == "v" and state["value"]:
            state["value"] = False
            text = "".join(state["text"]).strip()
            if text.isdigit() and len(text) < 10:
                references[int(text)] += 1

    def characters(content):
        if state["value"]:
            state["text"].append(content)

    parser = expat.ParserCreate(encoding="utf-8")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
    try:
        for chunk in _inflate(data, info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:  # calamine may read references past it, uncounted
        raise refuse("E-CORRUPT", detail=f"{info.filename}: {error}") from None
    return references


_STORED_TYPES = ("/worksheet", "/sharedStrings")  # relationship types of the parts calamine inflates at length
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL_HEADER = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
_UTF8_NAME = 0x800


class StoredCopy:
    """The package again, written as the guards read it: each worksheet and shared-string table the workbook
    points at stored, its bytes as the guards inflate them (chunk by chunk, so never held whole), every other
    part as it came (deflated or not), after the guards have read it; then a directory of its own. calamine then
    inflates nothing large a second time (an 8 MB sheet: some 15 ms of its 100), and reads exactly the entries
    and bytes the guards checked. Every entry keeps its name, order, declared sizes and CRC; the guards check
    each stored part's size and CRC as they go, so a part is whole once `end` passes."""

    def __init__(self, file):
        self.file = file
        self.at = 0  # where the next entry starts
        self.entries: list[bytes] = []  # central directory records
        self.written = 0  # bytes of the stored part being written

    def begin(self, info: zipfile.ZipInfo) -> None:
        self._header(info, zipfile.ZIP_STORED, info.file_size)
        self.written = 0

    def write(self, chunk) -> None:
        self.file.write(chunk)
        self.written += len(chunk)

    def end(self, info: zipfile.ZipInfo) -> None:
        if self.written != info.file_size:  # the guards refuse first; this only keeps a broken copy unreadable
            raise refuse("E-CORRUPT", detail=f"{info.filename}: stored copy of {self.written} bytes")
        self.at += info.file_size

    def raw(self, info: zipfile.ZipInfo, raw: memoryview) -> None:
        self._header(info, info.compress_type, len(raw))
        self.file.write(raw)
        self.at += len(raw)

    def _header(self, info: zipfile.ZipInfo, method: int, size: int) -> None:
        name = info.orig_filename.encode("utf-8")
        local = _LOCAL_HEADER.pack(b"PK\x03\x04", 20, _UTF8_NAME, method, 0, 0, info.CRC, size, info.file_size,
                                   len(name), 0)
        self.entries.append(_CENTRAL_HEADER.pack(b"PK\x01\x02", 20, 20, _UTF8_NAME, method, 0, 0, info.CRC, size,
                                                 info.file_size, len(name), 0, 0, 0, 0, 0, self.at) + name)
        self.file.write(local)
        self.file.write(name)
        self.at += len(local) + len(name)

    def finish(self) -> None:
        directory = b"".join(self.entries)
        self.file.write(directory)
        self.file.write(_END.pack(b"PK\x05\x06", 0, 0, len(self.entries), len(self.entries), len(directory),
                                  self.at, 0))
        self.file.flush()


def _chunks(data: bytes, info: zipfile.ZipInfo, limits: Limits = DEFAULT_LIMITS, inflated=None):
    """The part's bytes in chunks that never split a tag: each chunk is cut before its last '<' ('<' cannot
    occur inside a tag), and a tag still open at the cut is carried whole into the next chunk, however long its
    attributes. A part that fits in one chunk (most) comes whole, uncopied. An open tag longer than
    max_run_bytes is refused: no cell of a real workbook comes near it. `inflated`: the part's `_inflate`, when
    the caller holds it."""
    inflated = _inflate(data, info) if inflated is None else inflated
    if info.file_size <= CHUNK:
        yield b"".join(inflated)
        return
    carry = b""
    for chunk in inflated:
        chunk = bytes(chunk)  # a stored part's chunks are views
        cut = chunk.rfind(b"<")
        if cut < 0 and not carry:  # text only, no tag carried: nothing to keep
            yield chunk
            continue
        # the same cut as in carry + chunk (a carried tag starts with its only '<'), joined once: concatenating,
        # then slicing, copied every megabyte twice (2 ms of the guards' 24 on an 8 MB sheet)
        tail = chunk[cut:] if cut >= 0 else carry + chunk
        if _CLOSED_TAG.match(tail):
            yield carry + chunk if carry else chunk
            carry = b""
            continue
        if len(tail) > limits.max_run_bytes:
            raise refuse("E-CORRUPT", detail=f"{info.filename}: a tag longer than {limits.max_run_bytes} bytes")
        if cut > 0 or (cut == 0 and carry):
            yield b"".join((carry, memoryview(chunk)[:cut]))
        carry = tail
    if carry:
        yield carry


def _inflate(data: bytes, info: zipfile.ZipInfo, sink=None):
    """Inflate one entry ourselves, refusing output beyond its declared size: zipfile would silently stop
    there, while another reader (calamine's) may read on and hold it all in memory. `sink` is handed each chunk
    before it is yielded (never more than the declared size)."""
    raw = _raw_entry(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size:
            raise refuse("E-CORRUPT", detail=f"{info.filename}: stored size mismatch")
        for at in range(0, len(raw), CHUNK):
            if sink is not None:
                sink(raw[at : at + CHUNK])
            yield raw[at : at + CHUNK]
        return
    # isal's own inflater keeps the input it was given (zlib's copies what is left of it into unconsumed_tail at
    # every chunk: a fifth of the inflating of an 8 MB sheet); asked for no more than one byte past the declared
    # size, it allocates no 1 MB buffer for a small part
    inflater = igzip_lib.IgzipDecompressor(igzip_lib.DECOMP_DEFLATE)
    produced, crc, pending = 0, 0, raw
    while True:
        try:
            chunk = inflater.decompress(pending, min(CHUNK, info.file_size - produced + 1))
        except zlib.error as error:
            raise refuse("E-CORRUPT", detail=f"{info.filename}: {error}") from None
        pending = b""
        produced += len(chunk)
        if produced > info.file_size:
            raise refuse("E-ZIP-BOMB", detail=f"{info.filename}: inflates beyond its declared {info.file_size} bytes")
        if chunk:
            crc = zlib.crc32(chunk, crc)
            if sink is not None:
                sink(chunk)
            yield chunk
        if not chunk or inflater.eof:
            break
    if produced != info.file_size or crc != info.CRC:
        raise refuse("E-CORRUPT", detail=f"{info.filename}: size or CRC mismatch (truncated?)")


def _raw_entry(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    start = info.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise refuse("E-CORRUPT", detail=f"{info.filename}: no local header")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    begin = start + 30 + name_length + extra_length
    if begin + info.compress_size > len(data):
        raise refuse("E-CORRUPT", detail=f"{info.filename}: data runs past the end (truncated?)")
    return memoryview(data)[begin : begin + info.compress_size]


def _check_string_count(head: bytes, limits: Limits) -> None:
    declared = max((int(count) for count in _STRING_COUNT.findall(head[:4096])), default=0)
    if declared > limits.max_shared_strings:
        raise refuse("E-CORRUPT", detail=f"sharedStrings declares {declared} strings")


def _check_claimed_dimension(archive, info, match, limits: Limits) -> None:
    corners = [_parse_ref(part) for part in match.group(1).split(b":")]
    if any(corner is None for corner in corners):
        return
    last_row = max(row for row, _ in corners)
    last_column = max(column for _, column in corners)
    if _too_big(last_row, last_column, limits):
        _refuse_dimension(archive, info, match.group(1).decode("ascii", "replace"))


def _parse_ref(ref: bytes) -> tuple[int, int] | None:
    """(row, column), both 1-based, of "B12" or "$B$12"; None when it is no reference at all."""
    match = _REF.match(ref.strip())
    if not match:
        return None
    letters, digits = match.groups()
    if len(letters) > 4 or len(digits) > 9:
        return _BEYOND
    column = 0
    for letter in letters.upper():
        column = column * 26 + letter - 64
    return int(digits), column


def _too_big(rows: int, columns: int, limits: Limits) -> bool:
    return rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells


def _refuse_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo, ref: str):
    raise refuse("E-DIMENSION", detail=info.filename, sheet=_sheet_title(archive, info.filename), ref=ref)


_SHEET_ENTRY = re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*>")
# an attribute's value in either quote, as XML (and quick-xml, calamine's parser) allows
_QUOTED = rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
_NAME_ATTR = re.compile(rb"\sname" + _QUOTED)
_RID_ATTR = re.compile(rb"\s[\w.-]*:?id" + _QUOTED)
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
_TARGET_ATTR = re.compile(rb"\sTarget" + _QUOTED)
_ID_ATTR = re.compile(rb"\sId" + _QUOTED)
_TYPE_ATTR = re.compile(rb"\sType" + _QUOTED)
# as calamine reads it: the unprefixed <workbookPr>, date1904 "1" or "true"
_DATE1904 = re.compile(rb"<workbookPr\s[^>]*?\bdate1904\s*=\s*[\"'](?:1|true)[\"']")
_MAX_INDEX_BYTES = 4 * 1024 * 1024


def _read_capped(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(_MAX_INDEX_BYTES)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return b""


def _value(match: re.Match | None) -> bytes | None:
    """The value of an attribute matched by one of the patterns above, whichever its quotes."""
    if match is None:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2)


def _relationship_targets(archive: zipfile.ZipFile) -> Mapping[bytes, tuple[str, str, bytes]]:
    """The workbook's relationships: id → (part it resolves to, relationship type, target as written)."""
    return _relationships(_read_capped(archive, "xl/_rels/workbook.xml.rels"))[0]


_RELATIONSHIPS = bounded(64)  # a workbook's relationships part → what `_relationships` makes of it
_REMEMBERED_RELATIONSHIPS_BYTES = 16 * 1024


def _relationships(rels: bytes) -> tuple[Mapping, Mapping]:
    """The targets of a workbook's relationships part (`_targets_in`) and the parts calamine may parse
    (`_parts_read_as_markup`), as read-only views: worked out once per distinct part for the process (the
    template's, the same in every workbook of a layout; a memo of the process, bounded)."""
    known = _RELATIONSHIPS.get(rels)
    if known is None:
        targets = _targets_in(rels)
        known = (MappingProxyType(targets), MappingProxyType(_parts_read_as_markup(targets)))
        if len(rels) <= _REMEMBERED_RELATIONSHIPS_BYTES:
            _RELATIONSHIPS.keep(rels, known)
    return known


def _targets_in(rels: bytes) -> dict[bytes, tuple[str, str, bytes]]:
    targets = {}
    for tag in _RELATIONSHIP.findall(rels):
        rel_id, target, kind = _value(_ID_ATTR.search(tag)), _value(_TARGET_ATTR.search(tag)), _value(_TYPE_ATTR.search(tag))
        if rel_id is not None and target is not None:
            text = html.unescape(target.decode("utf-8", "replace"))
            part = text.lstrip("/") if text.startswith("/") else posixpath.normpath(posixpath.join("xl", text))
            targets[rel_id] = (part, kind.decode("utf-8", "replace") if kind is not None else "", target)
    return targets


# Parts calamine opens by name, whatever the relationships say
_READ_BY_NAME = frozenset({"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"})


def _parts_read_as_markup(targets: Mapping) -> dict[str, str]:
    """Every part calamine may parse as XML → its relationship type: the workbook's relationship targets as the
    guards resolve them and as calamine does (the target as written, entities and ".." left alone: "/x" is "x",
    "xl/x" is itself, any other "x" is "xl/x"), of any type (a <sheet> may name any relationship), and the parts it
    opens by name."""
    parts = dict.fromkeys(_READ_BY_NAME, "")
    for part, kind, raw in targets.values():
        for text in {raw.decode("utf-8", "replace"), html.unescape(raw.decode("utf-8", "replace"))}:
            literal = text[1:] if text.startswith("/") else text if text.startswith("xl/") else "xl/" + text
            parts.setdefault(literal, kind)
        parts[part] = kind
    return parts


def _sheet_names(archive: zipfile.ZipFile, targets: Mapping | None = None, workbook: bytes | None = None) -> dict[str, str]:
    """Each sheet's part → its tab name."""
    targets = _relationship_targets(archive) if targets is None else targets
    names = {}
    workbook = _read_capped(archive, "xl/workbook.xml") if workbook is None else workbook
    for tag in _SHEET_ENTRY.findall(workbook):
        name, rel_id = _value(_NAME_ATTR.search(tag)), _value(_RID_ATTR.search(tag))
        if name is not None and rel_id in targets:
            names[targets[rel_id][0]] = _unescape(name.decode("utf-8", "replace"))
    return names


def _sheet_title(archive: zipfile.ZipFile, part: str) -> str:
    """The tab name of a worksheet part, for the message; the part name when the workbook is odd."""
    return _sheet_names(archive).get(part, part)


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _unescaped(text: str) -> str:
    """_unescape, for a text that seldom holds an entity."""
    return _unescape(text) if "&" in text else text


def _column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
