"""Guards run on an upload's bytes before any parser sees them, so a hostile file costs bounded memory and time.

Each guard raises `Refusal` with its own code. The zip is inflated once, in chunks, to check what its
directory declares: real sizes, XML declarations (DOCTYPE/ENTITY) and, for each worksheet, the range that
calamine would allocate densely for its cells (it aborts the whole process on a failed allocation).
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass

from isal import isal_zlib  # zlib's interface; inflates twice as fast and computes the CRC ten times as fast

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
    ratio_floor_bytes: int = 1024 * 1024
    max_rows: int = 50_000
    max_columns: int = 256
    max_cells: int = 2_500_000  # rows × columns from A1: what calamine allocates for a sheet
    max_shared_strings: int = 1_000_000


DEFAULT_LIMITS = Limits()
CHUNK = 1024 * 1024

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_XML_BOMB = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
# A cell that is not '<c r="..."' within AX49999 (the box of the fast pass: 50 columns, 49,999 rows), or a prefixed
# cell or row tag, sends the sheet to the exact, slower count of what calamine will allocate. The box holds a
# 30,000-member sheet (28 columns) and, at 2,499,950 cells, fits the default limits; under stricter limits every
# sheet gets the exact count.
_FAST_BOX = (49_999, 50)
_SUSPECT = re.compile(rb'<c(?! r="(?:A?[A-X]|[A-Z])(?:[1-9][0-9]{0,3}|[1-4][0-9]{4})")[\s/>]')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_ROOT = re.compile(rb"<[A-Za-z_]")
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*([\"'])([^\"']*)\1")
_REF = re.compile(rb"\$?([A-Za-z]+)\$?([0-9]+)$")
_BEYOND = (10**9, 10**9)  # a reference longer than any sheet has: as far away as it gets
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")
_STRING_COUNT = re.compile(rb"\b(?:uniqueCount|count)\s*=\s*[\"']([0-9]+)[\"']")
_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",)


def check_upload(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx package."""
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
        _scan_parts(archive, data, infos, limits)


def _refusal_for_kind(kind: str, data: bytes):
    if kind == sniff.TEXT and not sniff.is_markup(data):
        return refuse("E-CSV", detail="plain text")
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
        too_dense = (
            info.file_size > limits.ratio_floor_bytes
            and info.file_size > max(info.compress_size, 1) * limits.max_ratio
        )
        if info.file_size > limits.max_part_bytes or total > limits.max_total_bytes or too_dense:
            raise refuse(
                "E-ZIP-BOMB",
                detail=f"{info.filename}: {info.compress_size} → {info.file_size} bytes, total {total}",
            )


def _scan_parts(archive: zipfile.ZipFile, data: bytes, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    for info in infos:
        name = info.filename
        if _SHEET_PART.fullmatch(name):
            if _scan_sheet(archive, data, info, limits):
                _check_sheet_cells(archive, data, info, limits)
        elif name.lower().endswith((".xml", ".rels", ".vml")):
            _scan_xml(data, info, limits)
        else:
            for _ in _inflate(data, info):  # media and the like: only their real size matters
                pass


def _chunks(data: bytes, info: zipfile.ZipInfo):
    """The part's bytes in chunks cut before a '<', so no tag is split across two chunks; a part that fits in
    one chunk (most) comes whole, uncopied."""
    if info.file_size <= CHUNK:
        yield b"".join(_inflate(data, info))
        return
    carry = b""
    for chunk in _inflate(data, info):
        chunk = carry + chunk
        cut = chunk.rfind(b"<")
        if cut <= 0 or len(chunk) - cut > 64 * 1024:
            cut = len(chunk)
        carry = chunk[cut:]
        yield chunk[:cut]
    if carry:
        yield carry


def _inflate(data: bytes, info: zipfile.ZipInfo):
    """Inflate one entry ourselves, refusing output beyond its declared size: zipfile would silently stop
    there, while another reader (calamine's) may read on and hold it all in memory."""
    raw = _raw_entry(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size:
            raise refuse("E-CORRUPT", detail=f"{info.filename}: stored size mismatch")
        yield from (raw[at : at + CHUNK] for at in range(0, len(raw), CHUNK))
        return
    inflater = isal_zlib.decompressobj(-15)
    produced, crc, pending = 0, 0, raw
    while True:
        try:
            chunk = inflater.decompress(pending, CHUNK)
        except isal_zlib.error as error:
            raise refuse("E-CORRUPT", detail=f"{info.filename}: {error}") from None
        pending = inflater.unconsumed_tail
        produced += len(chunk)
        if produced > info.file_size:
            raise refuse("E-ZIP-BOMB", detail=f"{info.filename}: inflates beyond its declared {info.file_size} bytes")
        if chunk:
            crc = isal_zlib.crc32(chunk, crc)
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


def _check_prolog(head: bytes, info: zipfile.ZipInfo) -> None:
    """DTDs (and so entity bombs) can only come before the root element."""
    root = _ROOT.search(head)
    prolog = head[: root.start()] if root else head
    if root is None or _XML_BOMB.search(prolog):
        raise refuse("E-XML-BOMB", detail=info.filename)


def _scan_xml(data: bytes, info: zipfile.ZipInfo, limits: Limits) -> None:
    first = True
    for chunk in _chunks(data, info):
        if first:
            _check_prolog(chunk, info)
            if info.filename.lower() == "xl/sharedstrings.xml":
                _check_string_count(chunk, limits)
            first = False


def _check_string_count(head: bytes, limits: Limits) -> None:
    declared = max((int(count) for count in _STRING_COUNT.findall(head[:4096])), default=0)
    if declared > limits.max_shared_strings:
        raise refuse("E-CORRUPT", detail=f"sharedStrings declares {declared} strings")


def _scan_sheet(archive: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo, limits: Limits) -> bool:
    """Fast pass over one worksheet; True when it needs the exact cell count."""
    first, suspect = True, _too_big(*_FAST_BOX, limits)
    for chunk in _chunks(data, info):
        if first:
            _check_prolog(chunk, info)
            _check_claimed_dimension(archive, info, chunk, limits)
            first = False
        suspect = suspect or _SUSPECT.search(chunk) is not None or _PREFIXED.search(chunk) is not None
    return suspect


def _check_claimed_dimension(archive, info, head: bytes, limits: Limits) -> None:
    match = _DIMENSION.search(head)
    if not match:
        return
    corners = [_parse_ref(part) for part in match.group(1).split(b":")]
    if any(corner is None for corner in corners):
        return
    last_row = max(row for row, _ in corners)
    last_column = max(column for _, column in corners)
    if _too_big(last_row, last_column, limits):
        _refuse_dimension(archive, info, match.group(1).decode("ascii", "replace"))


def _check_sheet_cells(archive: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Follow calamine's own rules for cell positions: a valued cell's "r", else the running row and column."""
    row = column = last_row = last_column = 0
    for chunk in _chunks(data, info):
        for closing, tag, attributes, empty in _TAG.findall(chunk):
            if closing:
                if tag == b"row":
                    row, column = row + 1, 0
                continue
            if empty:
                continue  # calamine ignores <c/> and <row/> altogether
            position = _r_attribute(attributes)
            if tag == b"row":
                if position is not None and position.isdigit():
                    row = int(position) - 1
                continue
            ref = _parse_ref(position) if position is not None else (row + 1, column + 1)
            if ref is None:
                continue
            cell_row, cell_column = ref
            column = cell_column  # 1-based column of this cell is the 0-based index of the next
            last_row, last_column = max(last_row, cell_row), max(last_column, cell_column)
        if _too_big(last_row, last_column, limits):
            _refuse_dimension(archive, info, f"A1:{_column_letters(last_column)}{last_row}")


def _r_attribute(attributes: bytes) -> bytes | None:
    match = _R_ATTR.search(attributes)
    return match.group(2) if match else None


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
_NAME_ATTR = re.compile(rb"\sname\s*=\s*\"([^\"]*)\"")
_RID_ATTR = re.compile(rb"\s[\w.-]*:?id\s*=\s*\"([^\"]*)\"")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
_TARGET_ATTR = re.compile(rb"\sTarget\s*=\s*\"([^\"]*)\"")
_ID_ATTR = re.compile(rb"\sId\s*=\s*\"([^\"]*)\"")


def _sheet_title(archive: zipfile.ZipFile, part: str) -> str:
    """The tab name of a worksheet part, for the message; the part name when the workbook is odd."""
    try:
        workbook = archive.read("xl/workbook.xml")[: 1024 * 1024]
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 1024 * 1024]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return part
    targets = {}
    for tag in _RELATIONSHIP.findall(rels):
        rel_id, target = _ID_ATTR.search(tag), _TARGET_ATTR.search(tag)
        if rel_id and target:
            targets[rel_id.group(1)] = target.group(1).decode("utf-8", "replace").lstrip("/").removeprefix("xl/")
    for tag in _SHEET_ENTRY.findall(workbook):
        name, rel_id = _NAME_ATTR.search(tag), _RID_ATTR.search(tag)
        if name and rel_id and "xl/" + targets.get(rel_id.group(1), "") == part:
            return _unescape(name.group(1).decode("utf-8", "replace"))
    return part


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
