"""The Content-Disposition header of a download with a Vietnamese file name (RFC 6266 with RFC 5987).

HTTP headers are Latin-1, so the real name travels percent-encoded UTF-8 in `filename*`; `filename` carries an
ASCII fallback for old clients, with the diacritics taken off (đ → d as well, which Unicode does not decompose).
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# RFC 5987 attr-char, less what `quote` always keeps (letters, digits, "_.-~").
_ATTR_CHAR_EXTRA = "!#$&+^`|"
_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9 ,._()\-]+')
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def ascii_fallback(filename: str) -> str:
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    plain_stem, plain_suffix = _plain(stem) or "download", _plain(suffix)
    return f"{plain_stem}.{plain_suffix}" if plain_suffix else plain_stem


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS_WITHOUT_DECOMPOSITION))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = _UNSAFE_ASCII.sub("_", plain.encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"\s+", " ", plain).strip(" .")


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(name: str) -> str:
    """A file name safe on every system and inside a zip: NFC, no path separators or control characters."""
    name = _UNSAFE_IN_NAMES.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    return name[:150] or "tep"


def attachment(filename: str) -> str:
    """`attachment; filename="ASCII"; filename*=UTF-8''percent-encoded` for any Unicode file name."""
    name = safe_filename(filename)
    encoded = quote(name.encode("utf-8"), safe=_ATTR_CHAR_EXTRA)
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"
