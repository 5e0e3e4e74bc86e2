"""Vietnamese names of the record fields, for messages: the labels the field registry declares."""
from __future__ import annotations

from .field_registry import REGISTRY

FIELD_LABELS: dict[str, str] = {item.name: item.label for item in REGISTRY.fields}


def field_label(field: str | None) -> str:
    if field is None:
        return ""
    if field.startswith("grade:"):
        return f"Cấp độ tiêu chí {field.removeprefix('grade:')}"
    if field.startswith("month:"):
        return f"Xếp loại tháng {field.removeprefix('month:')}"
    return FIELD_LABELS.get(field, field)
