"""Download file names: Vietnamese kept (RFC 5987 filename*), with a safe ASCII fallback."""
import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(name: str) -> str:
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    return name[:150] or "tep"


def ascii_fallback(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._ -]+", "_", text) or "file"


def attachment(name: str) -> str:
    name = safe_filename(name)
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
