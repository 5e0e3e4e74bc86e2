"""Control characters in text that people send: refused at the edge, or cleaned where the text must be kept.

A NUL cannot be stored in a PostgreSQL text column at all, and the other C0/C1 controls are never typed by a
person; tab, line feed and carriage return are (a textarea sends CR LF).
"""
import re

CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ALL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_controls(text: str) -> bool:
    return CONTROLS.search(text) is not None


def strip_controls(text: str) -> str:
    """Every control character, line breaks and tabs included, replaced by a space (for one-line names)."""
    return ALL_CONTROLS.sub(" ", text)
