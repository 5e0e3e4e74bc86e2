"""The one way to compare Vietnamese text, and a detector for text typed in the legacy TCVN3/VNI fonts."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .process_memos import remembered

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
# Invisible characters a cell may carry from a copy and paste (zero-width, direction marks, soft hyphen, BOM) are
# dropped; control characters (an Excel "_x0001_") separate words as a space would.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064" \
             "\u2066\u2067\u2068\u2069\ufeff"
_CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7f, 0xa0)]))
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u00a0": " ",
                             **dict.fromkeys(_INVISIBLE, ""), **dict.fromkeys(_CONTROLS, " ")})
_WORD = re.compile(r"[^\W\d_]+")
_SPACES = re.compile(r"\s+")


def normalise_text(value: object) -> str:
    """NFC, look-alike Ð → Đ, casefold, single spaces, no invisible or control characters, and one tone placement
    (hòa, thủy) for hoà/hòa, thuỷ/thủy."""
    if value is None:
        return ""
    text = _SPACES.sub(" ", str(value).translate(_LOOKALIKES)).strip()
    if text.isascii():
        return text.casefold()
    return _normalise_vietnamese(text)


@lru_cache(maxsize=4096)
def _normalise_vietnamese(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return _WORD.sub(lambda match: _place_tone(match.group()), text)


remembered(_normalise_vietnamese.cache_clear)


def _place_tone(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [char for char in decomposed if char in _TONES]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONES))
    position = _tone_position(bare)
    if position is None:
        return word
    return unicodedata.normalize("NFC", bare[: position + 1] + tones[0] + bare[position + 1 :])


def _tone_position(word: str) -> int | None:
    """Where the tone mark goes: on a marked vowel, else by the shape of the vowel cluster (hòa, thủy, toán)."""
    vowels = [index for index, char in enumerate(word) if char in _VOWELS]
    if word.startswith("qu") or (word.startswith("gi") and len(vowels) > 1):
        vowels = vowels[1:]
    if not vowels:
        return None
    marked = [index for index in vowels if word[index] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if len(vowels) == 1:
        return vowels[0]
    closed = vowels[-1] < len(word) - 1
    if len(vowels) == 2:
        return vowels[1] if closed else vowels[0]
    return vowels[1]


# Latin-1 characters that never occur in Vietnamese Unicode text but fill TCVN3 (ABC) and VNI text read as Unicode.
_LEGACY_MARKS = frozenset(
    "¡¢£¤¥¦§¨©ª¬®¯±²³´µ¶·¸¹º¼½¾¿"
    "ÄÅÆÇËÎÏÑÖ×ØÛÜÞßäåæçëîïñö÷øûüþÿ"
)
_VIETNAMESE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")


def looks_like_legacy_font(value: object) -> bool:
    """True for text typed with a TCVN3 (.VnTime) or VNI font, e.g. "NguyÔn V¨n A" or "Nguyeãn Vaên A"."""
    if value is None:
        return False
    text = str(value)
    if text.isascii() or _VIETNAMESE_ONLY.search(unicodedata.normalize("NFC", text)):
        return False
    return any(char in _LEGACY_MARKS for char in text) or _VNI_PAIR.search(text) is not None


# VNI writes a vowel then a Latin-1 letter standing for its marks: "aù" (á), "aê" (ă), "oâ" (ô); pairs that
# Vietnamese itself has (quân, khuê, hoà, khoé) are left out.
_VNI_PAIR = re.compile("[aeiouyAEIOUY][ùõÙÕ]|[aeoAEO][âêÂÊ]")


# TCVN3 (ABC): each Vietnamese letter is one Latin-1 character (capitals with marks use the same codes in the
# .VnTimeH capitals font, so they come back lower case; matching ignores case anyway).
_TCVN3 = str.maketrans(dict(zip(
    "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô­øõö÷ùýúûüþ¡¢£¤¥¦§",
    "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵĂÂÊÔƠƯĐ",
)))

# VNI: a base letter followed by a Latin-1 character standing for its marks; a few letters are one character.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_MARKS = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRCUMFLEX, "á": _CIRCUMFLEX + _ACUTE, "à": _CIRCUMFLEX + _GRAVE, "å": _CIRCUMFLEX + _HOOK,
    "ã": _CIRCUMFLEX + _TILDE, "ä": _CIRCUMFLEX + _DOT,
    "ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT,
}
_VNI_MARKS.update({mark.upper(): combining for mark, combining in list(_VNI_MARKS.items())})
_VNI_LETTERS = {
    "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
    "í": "í", "Í": "Í", "ì": "ì", "Ì": "Ì", "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị",
}
_VNI_BASES = frozenset("aeiouyAEIOUYơƠưƯ")


def from_tcvn3(text: str) -> str:
    """Text typed with a TCVN3 (.VnTime) font, as Unicode (NFC)."""
    return unicodedata.normalize("NFC", text.translate(_TCVN3))


def from_vni(text: str) -> str:
    """Text typed with a VNI font, as Unicode (NFC)."""
    out: list[str] = []
    for char in text:
        base = unicodedata.normalize("NFD", out[-1])[0] if out else ""
        if char in _VNI_MARKS and (base in _VNI_BASES or unicodedata.normalize("NFC", base) in _VNI_BASES):
            out[-1] = unicodedata.normalize("NFC", unicodedata.normalize("NFD", out[-1]) + _VNI_MARKS[char])
        else:
            out.append(_VNI_LETTERS.get(char, char))
    return unicodedata.normalize("NFC", "".join(out))


LEGACY_FONTS = (("TCVN3", from_tcvn3), ("VNI", from_vni))
