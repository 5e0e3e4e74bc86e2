"""What a file is, from its first bytes, never from its name."""
from __future__ import annotations

ZIP = "zip"
OLE2_XLS = "xls"
OLE2_ENCRYPTED = "encrypted"
OLE2_OTHER = "ole2"
PDF = "pdf"
TEXT = "text"
EMPTY = "empty"
UNKNOWN = "unknown"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_HEADERS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# OLE2 directory entries hold UTF-16LE stream names; Office's password encryption wraps the .xlsx in an
# "EncryptedPackage" stream, while an .xls keeps its cells in "Workbook" (or "Book" before Excel 97).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(data: bytes) -> str:
    if not data:
        return EMPTY
    if data.startswith(_ZIP_HEADERS):
        return ZIP
    if data.startswith(_OLE2):
        return _ole2_kind(data)
    if b"%PDF-" in data[:1024]:
        return PDF
    if _looks_like_text(data[:8192]):
        return TEXT
    return UNKNOWN


def _ole2_kind(data: bytes) -> str:
    if _ENCRYPTED_STREAM in data:
        return OLE2_ENCRYPTED
    if any(name in data for name in _XLS_STREAMS):
        return OLE2_XLS
    return OLE2_OTHER


def _looks_like_text(head: bytes) -> bool:
    if head.startswith(_TEXT_BOMS):
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a multi-byte character cut at the end of the sample is fine
            return _mostly_printable(head)
    return True


def _mostly_printable(head: bytes) -> bool:
    """Text in a legacy 8-bit code page (cp1258, TCVN3): few control bytes."""
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls * 100 < len(head)


def is_markup(data: bytes) -> bool:
    """HTML or XML text saved with a spreadsheet name (old "Excel" exports, SpreadsheetML 2003)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<html", b"<!doctype", b"<table"))
