"""The checked parts of an upload written again as a plain, uncompressed zip, for the parser to read.

The guards inflate every part anyway; handing calamine those very bytes, stored, means it parses exactly what
was checked (sizes, CRC, XML prolog, cell range) and does not inflate it all a second time (docs/performance.md
§1). The CRC written is the one the guards verified against the inflated bytes.
"""
from __future__ import annotations

import struct
import zipfile
from typing import Iterable

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: what a stored entry needs
_UTF8_NAME = 0x800


def stored_zip(parts: Iterable[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip of (entry, inflated bytes) pairs, in order, every entry stored. No zip64: the caller keeps the
    total well under 4 GB and the entries under 65,535."""
    pieces, directory, offset = [], [], 0
    for info, body in parts:
        name = info.filename.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        size = len(body)
        local = _LOCAL.pack(b"PK\x03\x04", _VERSION, flags, zipfile.ZIP_STORED, 0, 0, info.CRC, size, size, len(name), 0)
        directory.append(
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, _VERSION, flags, zipfile.ZIP_STORED, 0, 0, info.CRC, size, size,
                          len(name), 0, 0, 0, 0, 0, offset)
            + name
        )
        pieces += (local, name, body)
        offset += len(local) + len(name) + size
    central = b"".join(directory)
    pieces += (central, _END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), len(central), offset, 0))
    return b"".join(pieces)
