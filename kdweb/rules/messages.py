"""Phrases shared by the Vietnamese messages: how a subject, a level or a share is written."""
from __future__ import annotations

from fractions import Fraction

from .terms import NOT_RATED_TEXT, Level


def subject_phrase(kind, name: str, code: str) -> str:
    """E.g. "Đảng viên Nguyễn Văn A (mã DV001)"."""
    shown = name or "(chưa có tên)"
    return f"{kind.text} {shown} (mã {code})" if code else f"{kind.text} {shown}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def record_phrase(record) -> str:
    return subject_phrase(record.subject_kind, record.name, record.code)


def quoted_level(level: Level | None) -> str:
    return f"“{level.text if level else NOT_RATED_TEXT}”"


def percent(share: Fraction | float) -> str:
    """A share as Vietnamese percent text with a decimal comma: 0.8 → "80%", 2/3 → "66,67%"."""
    value = round(float(share) * 100, 2)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({percent(Fraction(part, whole))})" if whole else f"{part}/0"
