"""The tolerant parser of typed values: each returns Parsed(value, error); blank is Parsed(None)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .terms import NOT_RATED_TEXT, ORGANISATION_KINDS, Discipline, Grade, Level, NotRatedReason, UnitKind
from .text import LEGACY_FONTS, looks_like_legacy_font, normalise_text

__all__ = [
    "Parsed", "normalise_text", "looks_like_legacy_font", "display_text", "is_blank",
    "parse_level", "parse_grade", "parse_yes_no", "parse_discipline", "parse_not_rated_reason",
    "parse_civil_rating", "parse_org_kind", "parse_date", "parse_number", "parse_code", "parse_codes",
    "LEVEL_CHOICES", "GRADE_CHOICES", "YES_NO_CHOICES", "DISCIPLINE_CHOICES", "REASON_CHOICES",
    "CIVIL_RATING_CHOICES", "OLD_CIVIL_HTNV_TEXT",
]

OLD_CIVIL_HTNV_TEXT = "Hoàn thành nhiệm vụ nhưng còn hạn chế về năng lực"
_EDGE_PUNCTUATION = " .,;:\"'“”‘’«»()[]"


@dataclass(frozen=True, slots=True)
class Parsed:
    value: object = None
    error: str | None = None
    not_rated: bool = False
    warning: str | None = None  # read, but the unit should know how (e.g. converted from a legacy font)

    @property
    def ok(self) -> bool:
        return self.error is None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def display_text(value: object) -> str:
    """A cell's text as shown back to users: NFC, single spaces, no surrounding blanks, no control characters
    (a message quoting the cell is written back into the workbook, which refuses them)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value))
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already tidy, as most cells are: every blank but the plain space is unprintable
    text = " ".join(text.split())
    if not text.isprintable():
        text = "".join(char for char in text if unicodedata.category(char) != "Cc")
    return text


def _key(value: object) -> str:
    return normalise_text(value).strip(_EDGE_PUNCTUATION)


def _table(pairs) -> dict:
    return {_key(alias): value for alias, value in pairs}


def _choices(texts) -> str:
    return "; ".join(f"“{text}”" for text in texts)


def _invalid(value: object, what: str, texts) -> Parsed:
    texts = list(texts)
    guess = closest_choice(value, texts)
    hint = f" Có phải: “{guess}”?" if guess else ""
    return Parsed(error=f"“{display_text(value)}” không phải {what} hợp lệ.{hint} Chọn một trong: {_choices(texts)}.")


def _bare(text: str) -> str:
    """Lower case without diacritics: what a typo keeps of a choice (“hoan thanh tot nhiem vu”)."""
    decomposed = unicodedata.normalize("NFD", normalise_text(text).replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def closest_choice(value: object, texts: list[str]) -> str | None:
    """The one allowed text a mistyped value most likely meant, when one stands out; None otherwise."""
    typed = _bare(display_text(value))
    if len(typed) < 3:
        return None
    scored = sorted(((difflib.SequenceMatcher(None, typed, _bare(text)).ratio(), text) for text in texts), reverse=True)
    best = scored[0] if scored else (0, None)
    runner_up = scored[1][0] if len(scored) > 1 else 0
    return best[1] if best[0] >= 0.75 and (best[0] == 1.0 or best[0] - runner_up >= 0.09) else None


# "Hoàn thành" alone is not a level (RULES.md §1): it begins three of them, so it is never read as HTNV.
_LEVEL_ALIASES = [(level.text, level) for level in Level] + [(level.code, level) for level in Level] + [
    ("xuất sắc", Level.HTXSNV), ("hoàn thành xuất sắc", Level.HTXSNV),
    ("tốt", Level.HTTNV), ("hoàn thành tốt", Level.HTTNV),
    ("không hoàn thành", Level.KHTNV),
]
_LEVELS = _table(_LEVEL_ALIASES)
_NOT_RATED = {_key(NOT_RATED_TEXT), "kxl", _key("không đánh giá, xếp loại")}
LEVEL_CHOICES = tuple(level.text for level in sorted(Level, reverse=True)) + (NOT_RATED_TEXT,)
_TRUNCATION = ("…", "...", "..")


def _ambiguous(value: object, what: str, texts) -> Parsed | None:
    """Text that only begins one or more of the choices ("Hoàn thành", "Hoàn thành tốt nhiệm…", a cell cut short):
    an error naming the choices it could be, never a guess (a guess would often be a lower level)."""
    key = normalise_text(value).strip(_EDGE_PUNCTUATION)
    for mark in _TRUNCATION:
        key = key.removesuffix(mark).strip()
    if not key:
        return None
    candidates = [text for text in texts if normalise_text(text).startswith(key) and normalise_text(text) != key]
    if not candidates:
        return None
    quoted = [f"“{text}”" for text in candidates]
    could_be = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} hoặc {quoted[-1]}"
    return Parsed(error=(
        f"“{display_text(value)}” chưa đủ để biết là {what} nào (có thể là {could_be}). "
        f"Chọn đúng một trong: {_choices(texts)}."
    ))


def _in_legacy_font(value: object, read, shown) -> Parsed | None:
    """A choice typed with a TCVN3 or VNI font: converted when exactly one conversion is a valid choice."""
    if not isinstance(value, str) or value.isascii():
        return None
    found = {}
    for font, convert in LEGACY_FONTS:
        converted = convert(value)
        if converted == value:
            continue
        parsed = read(converted)
        if parsed.ok and (parsed.value is not None or parsed.not_rated):
            found.setdefault((parsed.value, parsed.not_rated), (font, parsed))
    if len(found) != 1:
        return None
    font, parsed = next(iter(found.values()))
    return Parsed(parsed.value, not_rated=parsed.not_rated, warning=(
        f"“{display_text(value)}” được gõ bằng phông {font}; đã chuyển từ phông {font} thành “{shown(parsed)}”. "
        f"Lần sau hãy chọn trong danh sách hoặc gõ bằng phông Unicode."
    ))


def _level_text(parsed: Parsed) -> str:
    return NOT_RATED_TEXT if parsed.not_rated else getattr(parsed.value, "text", str(parsed.value))


def _read_level(value: object) -> Parsed:
    key = _key(value)
    if key in _NOT_RATED:
        return Parsed(not_rated=True)
    level = _LEVELS.get(key)
    if level:
        return Parsed(level)
    return _ambiguous(value, "mức xếp loại", LEVEL_CHOICES) or _invalid(value, "mức xếp loại", LEVEL_CHOICES)


def parse_level(value: object) -> Parsed:
    """A level (HTXSNV…KHTNV, canonical text or short form), or "Không xếp loại" (not_rated=True)."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, Level):
        return Parsed(value)
    parsed = _read_level(value)
    return parsed if parsed.ok else _in_legacy_font(value, _read_level, _level_text) or parsed


_CIVIL = {**_LEVELS, **_table([(OLD_CIVIL_HTNV_TEXT, Level.HTNV), ("HTNV nhưng còn hạn chế về năng lực", Level.HTNV)])}
CIVIL_RATING_CHOICES = LEVEL_CHOICES[:-1] + (OLD_CIVIL_HTNV_TEXT,)


def _read_civil_rating(value: object) -> Parsed:
    key = _key(value)
    if key in _NOT_RATED:
        return Parsed(not_rated=True)
    level = _CIVIL.get(key)
    if level is None:
        what = "mức xếp loại công chức, viên chức"
        return _ambiguous(value, what, CIVIL_RATING_CHOICES) or _invalid(value, what, CIVIL_RATING_CHOICES)
    return Parsed(level)


def parse_civil_rating(value: object) -> Parsed:
    """A civil-service rating; the 2019 level "…nhưng còn hạn chế về năng lực" counts as HTNV."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, Level):
        return Parsed(value)
    parsed = _read_civil_rating(value)
    return parsed if parsed.ok else _in_legacy_font(value, _read_civil_rating, _level_text) or parsed


_GRADES = _table([(grade.text, grade) for grade in Grade] + [(grade.code, grade) for grade in Grade] + [
    ("XS", Grade.XUAT_SAC), ("TB", Grade.TRUNG_BINH),
])
GRADE_CHOICES = tuple(grade.text for grade in sorted(Grade, reverse=True))


def _read_grade(value: object) -> Parsed:
    grade = _GRADES.get(_key(value))
    return Parsed(grade) if grade else _invalid(value, "cấp độ tiêu chí", GRADE_CHOICES)


def parse_grade(value: object) -> Parsed:
    if is_blank(value):
        return Parsed()
    if isinstance(value, Grade):
        return Parsed(value)
    parsed = _read_grade(value)
    return parsed if parsed.ok else _in_legacy_font(value, _read_grade, _level_text) or parsed


_YES = {"có", "co", "c", "x", "v", "yes", "y", "true", "đúng", "1", "✓", "✔"}
_NO = {"không", "khong", "k", "no", "n", "false", "sai", "0"}
YES_NO_CHOICES = ("Có", "Không")


def parse_yes_no(value: object) -> Parsed:
    if is_blank(value):
        return Parsed()
    if isinstance(value, bool):
        return Parsed(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return Parsed(bool(value))
    parsed = _read_yes_no(value)
    return parsed if parsed.ok else _in_legacy_font(value, _read_yes_no, _yes_no_text) or parsed


def _read_yes_no(value: object) -> Parsed:
    key = _key(value)
    if key in _YES:
        return Parsed(True)
    if key in _NO:
        return Parsed(False)
    return _invalid(value, "giá trị Có/Không", YES_NO_CHOICES)


def _yes_no_text(parsed: Parsed) -> str:
    return YES_NO_CHOICES[0] if parsed.value else YES_NO_CHOICES[1]


_DISCIPLINES = _table([(form.text, form) for form in Discipline] + [(form.code, form) for form in Discipline])
_DISCIPLINE_PREFIXES = tuple(normalise_text(prefix) for prefix in ("hình thức", "kỷ luật"))
DISCIPLINE_CHOICES = tuple(form.text for form in Discipline)


def parse_discipline(value: object) -> Parsed:
    """A discipline form; "Không" means none (value None)."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, Discipline):
        return Parsed(value)
    key = _key(value)
    if key in _NO:
        return Parsed()
    for prefix in _DISCIPLINE_PREFIXES:
        key = key.removeprefix(prefix).strip()
    form = _DISCIPLINES.get(key)
    return Parsed(form) if form else _invalid(value, "hình thức kỷ luật", DISCIPLINE_CHOICES)


_REASONS = _table([(reason.text, reason) for reason in NotRatedReason] + [(r.code, r) for r in NotRatedReason])
_REASON_HINTS = [
    (_key("miễn"), NotRatedReason.EXEMPT),
    (_key("đình chỉ"), NotRatedReason.SUSPENDED),
    (_key("mới kết nạp"), NotRatedReason.NEW),
    (_key("mới thành lập"), NotRatedReason.NEW),
    (_key("chưa đủ 6 tháng"), NotRatedReason.NEW),
    (_key("chưa đủ 06 tháng"), NotRatedReason.NEW),
    (_key("tạm thời"), NotRatedReason.TEMPORARY),
    (_key("khác"), NotRatedReason.OTHER),
]
REASON_CHOICES = tuple(reason.text for reason in NotRatedReason)


def parse_not_rated_reason(value: object) -> Parsed:
    if is_blank(value):
        return Parsed()
    if isinstance(value, NotRatedReason):
        return Parsed(value)
    key = _key(value)
    reason = _REASONS.get(key) or next((reason for hint, reason in _REASON_HINTS if hint in key), None)
    return Parsed(reason) if reason else _invalid(value, "lý do không xếp loại", REASON_CHOICES)


_ORG_KINDS = _table([(kind.text, kind) for kind in ORGANISATION_KINDS]
                    + [(kind.code, kind) for kind in ORGANISATION_KINDS])


def parse_org_kind(value: object) -> Parsed:
    if is_blank(value):
        return Parsed()
    if isinstance(value, UnitKind):
        return Parsed(value)
    kind = _ORG_KINDS.get(_key(value))
    return Parsed(kind) if kind else _invalid(value, "loại tổ chức đảng", [kind.text for kind in ORGANISATION_KINDS])


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")


def parse_date(value: object) -> Parsed:
    """A date: a date cell, an Excel serial number, dd/mm/yyyy or yyyy-mm-dd."""
    if isinstance(value, datetime):
        return Parsed(value.date())
    if isinstance(value, date):
        return Parsed(value)
    if is_blank(value):
        return Parsed()
    try:
        return Parsed(_to_date(value))
    except (ValueError, OverflowError, TypeError):
        return Parsed(
            error=f"“{display_text(value)}” không phải ngày hợp lệ. Ghi theo dạng ngày/tháng/năm, ví dụ 15/12/2024."
        )


def _to_date(value: object) -> date:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    if match := _DATE.fullmatch(text):
        day, month, year = map(int, match.groups())
        return date(year, month, day)
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = map(int, match.groups())
        return date(year, month, day)
    raise ValueError(text)


def parse_number(value: object) -> Parsed:
    """A non-negative number such as a count of months; a decimal comma is accepted."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, bool):
        return Parsed(error=f"“{display_text(value)}” không phải số hợp lệ.")
    try:
        number = float(value) if isinstance(value, (int, float)) else float(str(value).strip().replace(",", "."))
    except ValueError:
        number = float("nan")
    if number != number or number < 0 or number == float("inf"):
        return Parsed(error=f"“{display_text(value)}” không phải số hợp lệ (số không âm, ví dụ 3 hoặc 2,5).")
    return Parsed(number)


def parse_code(value: object) -> Parsed:
    """A subject or unit code; numbers read back as floats (12.0) become "12"."""
    if is_blank(value):
        return Parsed()
    return Parsed(display_text(value))


_CODE_SEPARATORS = re.compile(r"[,;\n]+")


def parse_codes(value: object) -> Parsed:
    """A list of codes in one cell, separated by commas, semicolons or new lines."""
    if is_blank(value):
        return Parsed(())
    if isinstance(value, (list, tuple, set, frozenset)):
        return Parsed(tuple(sorted({display_text(item) for item in value if not is_blank(item)})))
    parts = (display_text(part) for part in _CODE_SEPARATORS.split(display_text(value)))
    return Parsed(tuple(part for part in parts if part))
