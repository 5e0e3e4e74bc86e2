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


# What markup text saved with a spreadsheet's name is (markup_kind): Excel's "Web Page" (.htm, or .mht in one file),
# Excel's "XML Spreadsheet 2003", LibreOffice's flat .fods, or some other XML.
WEB_PAGE = "web page"
SPREADSHEET_XML = "spreadsheet xml"
FLAT_ODS = "flat ods"
OTHER_XML = "xml"

_PROLOG = (b"<?xml", b"<!--")
_WEB_PAGE_STARTS = (b"<html", b"<!doctype html", b"<table", b"<head", b"<body", b"<meta")
_MHTML_START = b"mime-version:"


def markup_kind(data: bytes) -> str | None:
    """What HTML or XML text saved with a spreadsheet's name is; None for text that is not markup (CSV)."""
    head = _ascii_head(data)
    if head.startswith(_MHTML_START):
        return WEB_PAGE if b"multipart/related" in head else None
    if not head.startswith(b"<"):
        return None
    body = head
    while body.startswith(_PROLOG):  # the XML declaration, processing instructions and comments before the root
        closing = b"-->" if body.startswith(b"<!--") else b"?>"
        end = body.find(closing)
        body = body[end + len(closing):].lstrip() if end >= 0 else b""
    if body.startswith(_WEB_PAGE_STARTS):
        return WEB_PAGE
    if b"progid=\"excel.sheet\"" in head or b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return SPREADSHEET_XML
    if b"application/vnd.oasis.opendocument.spreadsheet" in head:
        return FLAT_ODS
    return OTHER_XML


def _ascii_head(data: bytes) -> bytes:
    """The first kilobytes, lower case, as ASCII-compatible bytes (UTF-16 text decoded), spaces around dropped."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
