"""The tolerant parser of typed values: each returns Parsed(value, error); blank is Parsed(None)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .terms import NOT_RATED_TEXT, ORGANISATION_KINDS, Discipline, Grade, Level, NotRatedReason, UnitKind
from .text import LEGACY_FONTS, looks_like_legacy_font, normalise_text

__all__ = [
    "Parsed", "normalise_text", "looks_like_legacy_font", "display_text", "quoted", "is_blank",
    "parse_level", "parse_grade", "parse_yes_no", "parse_discipline", "parse_not_rated_reason",
    "parse_civil_rating", "parse_org_kind", "parse_date", "parse_months", "parse_number", "typed_number", "parse_code", "parse_codes",
    "code_key",
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
    if type(value) is not str:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"  # as the spreadsheet shows a boolean cell, not Python's True
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, (date, time, timedelta)):
            return _clock_text(value)
    text = unicodedata.normalize("NFC", str(value))
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already tidy, as most cells are: every blank but the plain space is unprintable
    text = " ".join(text.split())
    if not text.isprintable():
        text = "".join(char for char in text if unicodedata.category(char) != "Cc")
    return text


def _clock_text(value: date | time | timedelta) -> str:
    """A date, time or duration cell (what Excel makes of "15/3/2023", "8:30" or "30:00" typed) as it shows:
    15/03/2023, 15/03/2023 14:05, 08:30, 30:00 (a duration's hours past a day, as [h]:mm shows them)."""
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}" + (f":{seconds % 60:02d}" if seconds % 60 else "")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    day = value.strftime("%d/%m/%Y")
    if isinstance(value, datetime) and value.time() != time(0):
        return f"{day} {_clock_text(value.time())}"
    return day


QUOTED_LENGTH = 80


def quoted(value: object) -> str:
    """A typed value as a message quotes it: display_text, cut to QUOTED_LENGTH characters (a cell may hold 32,767,
    and the message is stored, shown, and written back into the workbook as a note)."""
    text = display_text(value)
    return text if len(text) <= QUOTED_LENGTH else text[:QUOTED_LENGTH - 1].rstrip() + "…"


def _only_invisible(value: object) -> bool:
    """Text of invisible characters only (a zero-width space, a BOM, a direction mark): a cell that looks empty.
    Printable text, as nearly every cell is, is settled by one C call."""
    return type(value) is str and not value.isprintable() and not normalise_text(value)


def _key(value: object) -> str:
    return normalise_text(value).strip(_EDGE_PUNCTUATION)


def _choices(texts) -> str:
    return "; ".join(f"“{text}”" for text in texts)


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


NOT_RATED = object()  # the value of an option that means "Không xếp loại": Parsed(not_rated=True)
_UNKNOWN = object()
_TRUNCATION = ("…", "...", "..")


class Choice:
    """A closed list of values a cell may hold, read tolerantly: the one parser of every dropdown column.

    `options` are the dropdown's texts with their values, in the list's order; `aliases` other spellings (codes,
    short forms) read the same way. A cell is matched on its normalised text (case, spaces, NFD, edge punctuation),
    after `prefixes` are taken off ("kỷ luật cảnh cáo"), then on the first of `hints` it contains. A value of
    `accepts` is taken as it is. An alias whose value is None reads as blank ("Không" for a discipline form).
    Text that only begins some choices ("Hoàn thành", a cell cut short) is an error naming those choices, never a
    guess; a choice typed in a TCVN3 or VNI font is converted, with a warning; anything else is an error listing
    the choices and, when one stands out, the one it most likely meant."""

    def __init__(self, what: str, options, aliases=(), *, accepts: type | tuple = (), prefixes=(), hints=()):
        self.what = what
        self.texts = tuple(text for text, _ in options)
        self.accepts = accepts
        self.table = {_key(alias): value for alias, value in (*options, *aliases)}
        self.shown = {}
        for text, value in options:
            self.shown.setdefault(value, text)
        self.prefixes = tuple(normalise_text(prefix) for prefix in prefixes)
        self.hints = tuple((_key(hint), value) for hint, value in hints)

    def __call__(self, value: object) -> Parsed:
        if is_blank(value) or _only_invisible(value):
            return Parsed()
        if self.accepts and isinstance(value, self.accepts):
            return Parsed(value)
        parsed = self._read(value)
        if parsed.ok:
            return parsed
        return self._in_legacy_font(value) or self._legacy_font_unread(value, parsed) or parsed

    @staticmethod
    def _legacy_font_unread(value: object, parsed: Parsed) -> Parsed | None:
        """Text in an old font that converts to no choice: the error says so, not only "not valid"."""
        if not looks_like_legacy_font(value):
            return None
        return Parsed(error=f"{parsed.error} Ô này có vẻ được gõ bằng phông cũ (TCVN3 hoặc VNI), không phải phông "
                            f"Unicode: hãy chọn trong danh sách hoặc gõ lại bằng phông Unicode.")

    def _read(self, value: object) -> Parsed:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 1.0 reads as 1
        found = self._lookup(_key(value))
        if found is NOT_RATED:
            return Parsed(not_rated=True)
        if found is not _UNKNOWN:
            return Parsed(found)
        return self._ambiguous(value) or self._invalid(value)

    def _lookup(self, key: str):
        found = self.table.get(key, _UNKNOWN)
        if found is _UNKNOWN and self.prefixes:
            for prefix in self.prefixes:
                key = key.removeprefix(prefix).strip()
            found = self.table.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = next((value for hint, value in self.hints if hint in key), _UNKNOWN)
        return found

    def _ambiguous(self, value: object) -> Parsed | None:
        key = normalise_text(value).strip(_EDGE_PUNCTUATION)
        for mark in _TRUNCATION:
            key = key.removesuffix(mark).strip()
        if not key:
            return None
        candidates = [text for text in self.texts if normalise_text(text).startswith(key) and normalise_text(text) != key]
        if not candidates:
            return None
        named = [f"“{text}”" for text in candidates]
        could_be = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} hoặc {named[-1]}"
        return Parsed(error=(
            f"“{quoted(value)}” chưa đủ để biết là {self.what} nào (có thể là {could_be}). "
            f"Chọn đúng một trong: {_choices(self.texts)}."
        ))

    def _invalid(self, value: object) -> Parsed:
        guess = closest_choice(value, list(self.texts))
        hint = f" Có phải: “{guess}”?" if guess else ""
        return Parsed(error=f"“{quoted(value)}” không phải {self.what} hợp lệ.{hint} Chọn một trong: {_choices(self.texts)}.")

    def _in_legacy_font(self, value: object) -> Parsed | None:
        """Converted when exactly one conversion (TCVN3, VNI) is a valid choice."""
        if not isinstance(value, str) or value.isascii():
            return None
        found = {}
        for font, convert in LEGACY_FONTS:
            converted = convert(value)
            if converted == value:
                continue
            parsed = self._read(converted)
            if parsed.ok and (parsed.value is not None or parsed.not_rated):
                found.setdefault((parsed.value, parsed.not_rated), (font, parsed))
        if len(found) != 1:
            return None
        font, parsed = next(iter(found.values()))
        shown = self.shown.get(NOT_RATED if parsed.not_rated else parsed.value, "")
        return Parsed(parsed.value, not_rated=parsed.not_rated, warning=(
            f"“{quoted(value)}” được gõ bằng phông {font}; đã chuyển từ phông {font} thành “{shown}”. "
            f"Lần sau hãy chọn trong danh sách hoặc gõ bằng phông Unicode."
        ))


def _coded(enum) -> list[tuple[str, object]]:
    """An enum's members by their text, in order, and by their code."""
    return [(member.text, member) for member in enum]


def _codes(enum) -> list[tuple[str, object]]:
    return [(member.code, member) for member in enum]


# "Hoàn thành" alone is not a level (docs/rulebook.md §1): it begins three of them, so it is never read as HTNV.
_LEVEL_OPTIONS = [(level.text, level) for level in sorted(Level, reverse=True)] + [(NOT_RATED_TEXT, NOT_RATED)]
_LEVEL_ALIASES = _codes(Level) + [
    ("xuất sắc", Level.HTXSNV), ("hoàn thành xuất sắc", Level.HTXSNV),
    ("tốt", Level.HTTNV), ("hoàn thành tốt", Level.HTTNV),
    ("không hoàn thành", Level.KHTNV),
    ("kxl", NOT_RATED), ("không đánh giá, xếp loại", NOT_RATED),
]
# a level (HTXSNV…KHTNV, canonical text or short form), or "Không xếp loại" (not_rated=True)
parse_level = Choice("mức xếp loại", _LEVEL_OPTIONS, _LEVEL_ALIASES, accepts=Level)
LEVEL_CHOICES = parse_level.texts

# A civil-service rating; the 2019 level "…nhưng còn hạn chế về năng lực" counts as HTNV.
parse_civil_rating = Choice(
    "mức xếp loại công chức, viên chức",
    _LEVEL_OPTIONS[:-1] + [(OLD_CIVIL_HTNV_TEXT, Level.HTNV)],
    _LEVEL_ALIASES + [(NOT_RATED_TEXT, NOT_RATED), ("HTNV nhưng còn hạn chế về năng lực", Level.HTNV)],
    accepts=Level,
)
CIVIL_RATING_CHOICES = parse_civil_rating.texts

parse_grade = Choice(
    "cấp độ tiêu chí", [(grade.text, grade) for grade in sorted(Grade, reverse=True)],
    _codes(Grade) + [("XS", Grade.XUAT_SAC), ("TB", Grade.TRUNG_BINH)], accepts=Grade,
)
GRADE_CHOICES = parse_grade.texts

_YES = ("có", "co", "c", "x", "v", "yes", "y", "true", "đúng", "1", "✓", "✔")
_NO = ("không", "khong", "k", "no", "n", "false", "sai", "0")
parse_yes_no = Choice(
    "giá trị Có/Không", [("Có", True), ("Không", False)],
    [(text, True) for text in _YES] + [(text, False) for text in _NO], accepts=bool,
)
YES_NO_CHOICES = parse_yes_no.texts

parse_discipline = Choice(  # "Không" means none (value None)
    "hình thức kỷ luật", _coded(Discipline), _codes(Discipline) + [(text, None) for text in _NO],
    accepts=Discipline, prefixes=("hình thức", "kỷ luật"),
)
DISCIPLINE_CHOICES = parse_discipline.texts

parse_not_rated_reason = Choice(
    "lý do không xếp loại", _coded(NotRatedReason), _codes(NotRatedReason), accepts=NotRatedReason, hints=[
        ("miễn", NotRatedReason.EXEMPT),
        ("đình chỉ", NotRatedReason.SUSPENDED),
        ("mới kết nạp", NotRatedReason.NEW),
        ("mới thành lập", NotRatedReason.NEW),
        ("chưa đủ 6 tháng", NotRatedReason.NEW),
        ("chưa đủ 06 tháng", NotRatedReason.NEW),
        ("tạm thời", NotRatedReason.TEMPORARY),
        ("khác", NotRatedReason.OTHER),
    ],
)
REASON_CHOICES = parse_not_rated_reason.texts

parse_org_kind = Choice("loại tổ chức đảng", _coded(ORGANISATION_KINDS), _codes(ORGANISATION_KINDS), accepts=UnitKind)


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
            error=f"“{quoted(value)}” không phải ngày hợp lệ. Ghi theo dạng ngày/tháng/năm, ví dụ 15/12/2024."
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


# A number typed as text, in the forms people type one: digits (maybe grouped by spaces, "1 000"), one decimal
# comma or point ("2,5", "12.75", ",5"). Not the other forms Python's float() and Decimal() take ("2e1", "inf",
# "nan", "1_000", "+3", "٣" and other scripts' digits): such a cell is not a number, never 20 for "2e1".
_TYPED_NUMBER = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?: [0-9]{3})+)(?:[.,][0-9]+)?|[.,][0-9]+")


def typed_number(text: str) -> str | None:
    """The text of a number typed in a cell, written as Python reads it ("1 000,5" → "1000.5"); None when it is
    not one of the forms people type."""
    text = " ".join(str(text).split())
    if not _TYPED_NUMBER.fullmatch(text):
        return None
    return text.replace(" ", "").replace(",", ".")


def parse_number(value: object) -> Parsed:
    """A non-negative number such as a count of months; typed as text, with a decimal comma or point only."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, bool):
        return Parsed(error=f"“{quoted(value)}” không phải số hợp lệ.")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = typed_number(value)
        number = float(text) if text is not None else float("nan")
    if number != number or number < 0 or number == float("inf"):
        return Parsed(error=f"“{quoted(value)}” không phải số hợp lệ (số không âm, ví dụ 3 hoặc 2,5).")
    return Parsed(number)


MONTHS_IN_A_YEAR = 12


def parse_months(value: object) -> Parsed:
    """A number of months within the year reviewed (sick or maternity leave, months at the old place): 0 to 12,
    a half month as 0,5. A larger number is a typing slip (a day count, a year), never read as months."""
    parsed = parse_number(value)
    if parsed.error or parsed.value is None or parsed.value <= MONTHS_IN_A_YEAR:
        return parsed
    return Parsed(error=f"“{quoted(value)}” không phải số tháng hợp lệ trong năm đánh giá (từ 0 đến "
                        f"{MONTHS_IN_A_YEAR}, ví dụ 3 hoặc 2,5).")


def parse_code(value: object) -> Parsed:
    """A subject or unit code; numbers read back as floats (12.0) become "12"."""
    if is_blank(value):
        return Parsed()
    return Parsed(display_text(value))


def code_key(code: str) -> str:
    """A subject code as typing may change it and still mean it: case, spaces and invisible characters
    (normalise_text), and, for a code of digits, the leading zeros a number cell drops (0900123 typed is 900123)."""
    key = normalise_text(code)
    return (key.lstrip("0") or "0") if key.isdigit() else key


_CODE_SEPARATORS = re.compile(r"[,;\n]+")


def parse_codes(value: object) -> Parsed:
    """A list of codes in one cell, separated by commas, semicolons or new lines."""
    if is_blank(value):
        return Parsed(())
    if isinstance(value, (list, tuple, set, frozenset)):
        return Parsed(tuple(sorted({display_text(item) for item in value if not is_blank(item)})))
    text = display_text(value)
    if isinstance(value, str) and value.isprintable() and "  " not in value:
        parts = (part.strip(" ") for part in _CODE_SEPARATORS.split(text))  # tidy already, as typed lists are
    else:
        parts = (display_text(part) for part in _CODE_SEPARATORS.split(text))
    return Parsed(tuple(part for part in parts if part))
