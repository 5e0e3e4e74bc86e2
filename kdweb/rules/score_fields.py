"""The facts of a 100-point rating (rule set `qd366-hd43`, docs/rulebook-366.md), each declared once.

A declaration gives the field's name, its Vietnamese label, its parser, its default and the subject kinds that
carry it. `with_fields` adds the declared fields to a record class, the row parser takes their parsers from here
and the labels of messages and headers come from here too: a new fact is one line in this file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from .parse import Parsed, display_text, is_blank, normalise_text, parse_codes, parse_level, parse_yes_no
from .terms import Level, SubjectKind

MEMBER, ORGANISATION, COLLECTIVE, LEADER = SubjectKind
ALL_KINDS = frozenset(SubjectKind)
BODIES = frozenset({ORGANISATION, COLLECTIVE})

_TWO_DECIMALS = Decimal("0.01")


def parse_score(value: object) -> Parsed:
    """A score: a non-negative number with at most two decimals, typed with a comma or a point (docs/rulebook-366.md §7)."""
    if is_blank(value):
        return Parsed()
    if isinstance(value, bool):
        return _bad_score(value)
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return _bad_score(value)
    if not number.is_finite() or number < 0:
        return _bad_score(value)
    if number != number.quantize(_TWO_DECIMALS):
        return Parsed(error=f"“{display_text(value)}”: điểm chỉ ghi tối đa hai chữ số thập phân, ví dụ 27,5 hoặc 65,25.")
    return Parsed(number.normalize() if number == number.to_integral() else number)


def _bad_score(value: object) -> Parsed:
    return Parsed(error=f"“{display_text(value)}” không phải số điểm hợp lệ (số không âm, ví dụ 27,5).")


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
    return Parsed(error=f"“{display_text(value)}” không phải số lượng hợp lệ (số nguyên không âm, ví dụ 12).")


def parse_levels(value: object) -> Parsed:
    """Quarterly levels in one cell, in order, separated by commas or semicolons ("HTTNV, HTTNV, HTXSNV, HTTNV")."""
    parts = parse_codes(value).value if not isinstance(value, (list, tuple)) else value
    levels = []
    for part in parts or ():
        parsed = parse_level(part)
        if parsed.error or parsed.value is None:
            return Parsed(error=parsed.error or f"“{display_text(part)}” không phải mức xếp loại quý hợp lệ.")
        levels.append(parsed.value)
    return Parsed(tuple(levels)) if levels else Parsed()


# Kinds of the violation behind a discipline (Điều 11 k4): only the first three force KHTNV.
VIOLATION_KINDS = (
    "Liên quan đến thực hiện chức trách, nhiệm vụ",
    "Vi phạm những điều đảng viên không được làm",
    "Vi phạm trách nhiệm nêu gương",
    "Khác (không liên quan đến nhiệm vụ)",
)
_VIOLATION_KEYS = {normalise_text(text): text for text in VIOLATION_KINDS}
_VIOLATION_HINTS = (("nhiệm vụ", 0), ("không được làm", 1), ("nêu gương", 2), ("khác", 3))
DUTY_RELATED_VIOLATIONS = frozenset(VIOLATION_KINDS[:3])


def parse_violation_kind(value: object) -> Parsed:
    if is_blank(value):
        return Parsed()
    key = normalise_text(value).strip(" .")
    if key in _VIOLATION_KEYS:
        return Parsed(_VIOLATION_KEYS[key])
    for hint, index in ((normalise_text(hint), index) for hint, index in _VIOLATION_HINTS):
        if hint in key and (index != 0 or "không liên quan" not in key):
            return Parsed(VIOLATION_KINDS[index])
    choices = "; ".join(f"“{text}”" for text in VIOLATION_KINDS)
    return Parsed(error=f"“{display_text(value)}” không phải loại vi phạm hợp lệ. Chọn một trong: {choices}.")


def _text(value: object) -> Parsed:
    return Parsed(display_text(value))


@dataclass(frozen=True, slots=True)
class RecordField:
    name: str
    label: str
    parser: Callable[[object], Parsed]
    annotation: str
    default: object = None
    kinds: frozenset[SubjectKind] = ALL_KINDS
    text: bool = False  # free text: checked for legacy fonts
    own: bool = False  # differs from row to row: parsed for each row, not remembered


SCORE_FIELDS: tuple[RecordField, ...] = (
    RecordField("score_common", "Điểm tiêu chí chung (tối đa 30)", parse_score, "Decimal | None", own=True),
    RecordField("score_tasks", "Điểm kết quả thực hiện nhiệm vụ (tối đa 70)", parse_score, "Decimal | None", own=True),
    RecordField("score_total", "Tổng điểm", parse_score, "Decimal | None", own=True),
    RecordField("tasks_assigned", "Số nhiệm vụ được giao", parse_count, "int | None", own=True),
    RecordField("tasks_done", "Số nhiệm vụ hoàn thành", parse_count, "int | None", own=True),
    RecordField("tasks_on_time", "Số nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng", parse_count, "int | None", own=True),
    RecordField("tasks_late", "Số nhiệm vụ hoàn thành chậm tiến độ", parse_count, "int | None", own=True),
    RecordField("tasks_exceeded", "Số nhiệm vụ hoàn thành vượt mức", parse_count, "int | None", own=True),
    RecordField("shortcomings_pointed", "Số hạn chế, khuyết điểm được chỉ ra năm trước", parse_count, "int | None", own=True),
    RecordField("shortcomings_remedied", "Số hạn chế, khuyết điểm đã khắc phục", parse_count, "int | None", own=True),
    RecordField("violation_kind", "Loại vi phạm bị kỷ luật", parse_violation_kind, "str | None"),
    RecordField("degenerate", "Có kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống", parse_yes_no, "bool", False),
    RecordField("five_targets_missed", "Không hoàn thành 5 chỉ tiêu kinh tế - xã hội cơ bản", parse_yes_no, "bool", False,
                kinds=frozenset({LEADER, COLLECTIVE, ORGANISATION})),
    RecordField("low_confidence_majority", "Trên 50% phiếu tín nhiệm thấp", parse_yes_no, "bool", False,
                kinds=frozenset({LEADER})),
    RecordField("led_units_khtnv_majority", "Trên 50% đơn vị thuộc quyền xếp loại KHTNV", parse_yes_no, "bool", False,
                kinds=frozenset({LEADER})),
    RecordField("collective_wrongdoing", "Có kết luận sai phạm công tác cán bộ, mất đoàn kết, bè phái", parse_yes_no,
                "bool", False, kinds=BODIES),
    RecordField("subordinate_disciplined", "Có tổ chức trực thuộc hoặc thành viên tập thể lãnh đạo bị kỷ luật",
                parse_yes_no, "bool", False, kinds=BODIES),
    RecordField("self_detected", "Tự phát hiện, tự báo cáo và đã khắc phục", parse_yes_no, "bool", False),
    RecordField("force_majeure", "Do nguyên nhân bất khả kháng", parse_yes_no, "bool", False),
    RecordField("waiver_reason", "Giải trình (tự phát hiện, khắc phục hoặc bất khả kháng)", _text, "str", "",
                text=True, own=True),
    RecordField("quota_group", "Nhóm tính tỷ lệ", _text, "str", "", text=True),
    RecordField("quota_outstanding", "Nhóm được cấp có thẩm quyền đánh giá nổi trội (tỷ lệ 25%)", parse_yes_no,
                "bool", False),
    RecordField("quarterly_levels", "Xếp loại các quý (nếu có; cách nhau dấu phẩy)", parse_levels,
                "tuple[Level, ...]", ()),
)

FIELDS_BY_NAME = {item.name: item for item in SCORE_FIELDS}


def score_fields_of(kind: SubjectKind) -> tuple[RecordField, ...]:
    return tuple(item for item in SCORE_FIELDS if kind in item.kinds)


def with_fields(kind: SubjectKind):
    """A class decorator, applied before @dataclass: the declared fields of `kind` join the class's own, after
    them and before `unreadable` (which stays last), each with its default."""

    def add(cls):
        own = dict(cls.__dict__.get("__annotations__", {}))
        last = {"unreadable": own.pop("unreadable")} if "unreadable" in own else {}
        for item in score_fields_of(kind):
            if item.name in own:
                continue
            own[item.name] = item.annotation
            setattr(cls, item.name, item.default)
        cls.__annotations__ = {**own, **last}
        if last:  # re-set so that the class attribute order follows the annotations
            value = cls.__dict__["unreadable"]
            delattr(cls, "unreadable")
            cls.unreadable = value
        return cls

    return add


__all__ = [
    "DUTY_RELATED_VIOLATIONS", "FIELDS_BY_NAME", "Level", "RecordField", "SCORE_FIELDS", "VIOLATION_KINDS",
    "parse_count", "parse_levels", "parse_score", "parse_violation_kind", "score_fields_of", "with_fields",
]
