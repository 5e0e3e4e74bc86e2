"""Wrong and hostile files, made in memory: zip surgery on a real workbook, and minimal OLE2 containers."""
from __future__ import annotations

import io
import re
import struct
import zipfile

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def make_zip(parts: dict[str, bytes], stored: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def patch_part(data: bytes, part: str, pattern: bytes, replacement: bytes, count: int = 1) -> bytes:
    parts = zip_parts(data)
    patched, done = re.subn(pattern, replacement, parts[part], count=count)
    assert done, f"{pattern!r} not found in {part}"
    parts[part] = patched
    return make_zip(parts)


def sheet_part(data: bytes, sheet_name: str) -> str:
    """The zip part of a worksheet, by its tab name."""
    parts = zip_parts(data)
    workbook, rels = parts["xl/workbook.xml"].decode(), parts["xl/_rels/workbook.xml.rels"].decode()
    rel_id = re.search(rf'<sheet [^>]*name="{re.escape(sheet_name)}"[^>]*r:id="([^"]+)"', workbook).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rel_id}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rel_id}"', rels
    )
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def add_parts(data: bytes, extra: dict[str, bytes]) -> bytes:
    return make_zip(zip_parts(data) | extra)


def with_cached_formula(data: bytes, sheet_name: str, ref: str, formula: str, cached: str) -> bytes:
    """A formula cell whose saved value is `cached`, as Excel and LibreOffice write them."""
    part = sheet_part(data, sheet_name)
    cell = f'<c r="{ref}" t="str"><f>{formula}</f><v>{cached}</v></c>'.encode()
    return patch_part(data, part, rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), cell.replace(b"\\", b"\\\\"))


# --- OLE2 (compound file) containers: what .xls and password-encrypted .xlsx files are -----------------


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal, valid compound file (version 3): one FAT sector, one directory sector, each stream in
    regular sectors (padded to the 4096-byte mini-stream cutoff so no mini stream is needed)."""
    assert len(streams) <= 3
    sector = 512
    bodies = [content.ljust(max(4096, -(-len(content) // sector) * sector), b"\0") for content in streams.values()]
    fat = [FATSECT, ENDOFCHAIN]
    starts = []
    for body in bodies:
        start = len(fat)
        count = len(body) // sector
        starts.append(start)
        fat += list(range(start + 1, start + count)) + [ENDOFCHAIN]
    fat += [FREESECT] * (sector // 4 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6,
        b"\0" * 6, 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0,
    )
    header += struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108
    entries = [_entry("Root Entry", 5, child=1, start=ENDOFCHAIN, size=0)]
    names = list(streams)
    for index, (name, start) in enumerate(zip(names, starts), start=1):
        right = index + 1 if index < len(names) else NOSTREAM
        entries.append(_entry(name, 2, right=right, start=start, size=len(streams[name])))
    directory = b"".join(entries).ljust(sector, b"\0")
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies)


def _entry(name: str, kind: int, *, child=NOSTREAM, right=NOSTREAM, start=0, size=0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded.ljust(64, b"\0"), len(encoded), kind, 1, NOSTREAM, right, child,
        b"\0" * 16, 0, 0, 0, start, size,
    )


def xls_file() -> bytes:
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    return ole2({"Workbook": bof})


def encrypted_xlsx_file() -> bytes:
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    return ole2({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 5000) + bytes(range(256)) * 20})


# --- zip-level attacks ---------------------------------------------------------------------------------


def ods_file() -> bytes:
    return make_zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": b"<manifest/>",
            "content.xml": b"<office:document-content/>",
        },
        stored=("mimetype",),
    )


def dense_bomb(data: bytes, megabytes: int = 20) -> bytes:
    """A real workbook whose first sheet is followed by megabytes of blanks: ratio far above any spreadsheet."""
    parts = zip_parts(data)
    part = "xl/worksheets/sheet1.xml"
    parts[part] = parts[part] + b" " * (megabytes * 1024 * 1024)
    return make_zip(parts)


def lying_sizes(data: bytes, part: str, declared: int) -> bytes:
    """The zip directory (central and local) claims `part` inflates to `declared` bytes; it inflates to more."""
    buffer = bytearray(data)
    encoded = part.encode()
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = 0
        while (at := buffer.find(signature, at)) >= 0:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            name_length = struct.unpack_from("<H", buffer, at + (28 if signature == b"PK\x01\x02" else 26))[0]
            if bytes(buffer[name_at : name_at + name_length]) == encoded:
                struct.pack_into("<I", buffer, at + size_at, declared)
            at += 4
    return bytes(buffer)


def many_entries(count: int) -> bytes:
    parts = {"xl/workbook.xml": b"<workbook/>"} | {f"xl/media/p{index}.bin": b"" for index in range(count)}
    return make_zip(parts)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
)
