"""A member's roster post text ("Chức vụ", `Person.post`) kept in step with the leader posts he or she holds: the
admin's leadership page gives a post to another member, adds one or ends one, and the member sheet of the workbook,
the roster browse and the roster export then tell the same as the leader sheet.

The text is the roster's, free, often several posts ("Bí thư Đảng ủy phường; Chủ tịch HĐND phường"), and a post's
title may itself hold a comma ("Bí thư Chi bộ 1, Đảng ủy phường Cống Vị"): a title is looked for whole, between the
text's ends or the separators "," and ";", compared with spaces, case and Unicode form set aside."""
from __future__ import annotations

import re
import unicodedata

SEPARATOR = "; "
LONGEST = 200  # Person.post's column
_SEPARATORS = ",;"


def _tidy(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _bounds(text: str, title: str) -> tuple[int, int] | None:
    """Where the title stands whole in the tidy text (start, end), else None; compared case set aside."""
    wanted = _tidy(title).casefold()
    folded = text.casefold()
    if not wanted or len(folded) != len(text):  # a letter folding longer ("ß"): positions not to trust
        return None
    for match in re.finditer(re.escape(wanted), folded):
        start, end = match.span()
        before, after = folded[:start].rstrip(), folded[end:].lstrip()
        if (not before or before[-1] in _SEPARATORS) and (not after or after[0] in _SEPARATORS):
            return start, end
    return None


def mentions(text: str | None, title: str) -> bool:
    return _bounds(_tidy(text), title) is not None


def with_post(text: str | None, title: str) -> str:
    """The text once its holder took the post: the title first, then what the text said (cut to the column's
    length, the title kept whole); unchanged when it names the title already."""
    text, title = _tidy(text), _tidy(title)
    if not text:
        return title[:LONGEST]
    if mentions(text, title):
        return text
    joined = f"{title}{SEPARATOR}{text}"
    return joined if len(joined) <= LONGEST else joined[:LONGEST - 1].rstrip(" ,;") + "…"


def without_post(text: str | None, title: str) -> str | None:
    """The text once its holder left the post: the title taken out with its separator, None when nothing is left;
    unchanged when it does not name the title."""
    bounds = _bounds(_tidy(text), title)
    if bounds is None:
        return text
    start, end = bounds
    before, after = _tidy(text)[:start].rstrip(), _tidy(text)[end:].lstrip()
    if after[:1] in (",", ";"):
        after = after[1:].lstrip()
    elif before[-1:] in (",", ";"):
        before = before[:-1].rstrip()
    rest = " ".join(part for part in (before, after) if part)
    return rest or None
