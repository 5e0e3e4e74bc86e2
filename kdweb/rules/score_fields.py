"""The parsers of a 100-point rating's cells (rule set `qd366-hd43`, docs/rulebook-366.md): scores, counts,
quarterly levels and the kind of a violation. The fields themselves are declared in kdweb.rules.field_registry."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .parse import Choice, Parsed, is_blank, parse_codes, parse_level, quoted, typed_number

_WHOLE = Decimal(1)
_TWO_DECIMALS = Decimal("0.01")


def parse_score(value: object) -> Parsed:
    """A score: a non-negative number with at most two decimals, typed with a comma or a point (docs/rulebook-366.md §7)."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, bool):
        return _bad_score(value)
    text = repr(value) if isinstance(value, (int, float)) else typed_number(value)
    if text is None:  # "2e1", "inf", "1_000": not a form a score is typed in
        return _bad_score(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return _bad_score(value)
    if not number.is_finite() or number < 0:
        return _bad_score(value)
    if number != number.quantize(_TWO_DECIMALS):
        return Parsed(error=f"“{_shown(value)}”: điểm chỉ ghi tối đa hai chữ số thập phân, ví dụ 27,5 hoặc 65,25.")
    # one value, one form: 70, 70.0 and "70,00" are 70 (not normalize()'s 7E+1, which the stored record would say),
    # "27,50" is 27.5
    return Parsed(number.quantize(_WHOLE) if number == number.to_integral() else number.normalize())


def _bad_score(value: object) -> Parsed:
    return Parsed(error=f"“{_shown(value)}” không phải số điểm hợp lệ (số không âm, ví dụ 27,5).")


def _shown(value: object) -> str:
    """A number cell as a Vietnamese spreadsheet shows it (25,125), text as typed."""
    if isinstance(value, float) and not value.is_integer():
        return repr(value).replace(".", ",")
    return quoted(value)


def parse_count(value: object) -> Parsed:
    """A count of tasks or shortcomings: a whole number, 0 or more."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, bool):
        return _bad_count(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return Parsed(value) if value >= 0 else _bad_count(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+([.,]0+)?", text):
        return Parsed(int(re.split(r"[.,]", text)[0]))
    return _bad_count(value)


def _bad_count(value: object) -> Parsed:
    return Parsed(error=f"“{_shown(value)}” không phải số lượng hợp lệ (số nguyên không âm, ví dụ 12).")


def parse_levels(value: object) -> Parsed:
    """Quarterly levels in one cell, in order, separated by commas or semicolons ("HTTNV, HTTNV, HTXSNV, HTTNV")."""
    parts = parse_codes(value).value if not isinstance(value, (list, tuple)) else value
    levels = []
    for part in parts or ():
        parsed = parse_level(part)
        if parsed.error or parsed.value is None:
            return Parsed(error=parsed.error or f"“{quoted(part)}” không phải mức xếp loại quý hợp lệ.")
        levels.append(parsed.value)
    return Parsed(tuple(levels)) if levels else Parsed()


# Kinds of the violation behind a discipline (Điều 11 k4): only the first three force KHTNV.
VIOLATION_KINDS = (
    "Liên quan đến thực hiện chức trách, nhiệm vụ",
    "Vi phạm những điều đảng viên không được làm",
    "Vi phạm trách nhiệm nêu gương",
    "Khác (không liên quan đến nhiệm vụ)",
)
DUTY_RELATED_VIOLATIONS = frozenset(VIOLATION_KINDS[:3])
parse_violation_kind = Choice(
    "loại vi phạm", [(text, text) for text in VIOLATION_KINDS],
    hints=[("không liên quan", VIOLATION_KINDS[3]), ("nhiệm vụ", VIOLATION_KINDS[0]),
           ("không được làm", VIOLATION_KINDS[1]), ("nêu gương", VIOLATION_KINDS[2]), ("khác", VIOLATION_KINDS[3])],
)


__all__ = [
    "DUTY_RELATED_VIOLATIONS", "VIOLATION_KINDS", "parse_count", "parse_levels", "parse_score", "parse_violation_kind",
]
