"""Where the summary sheet is and its columns' letters: what reading an upload needs of it (the summary's rows,
the cell a quota finding points at), apart from kdweb/excel/summary.py, which writes the sheet with openpyxl, so
that the sandbox worker reads uploads without importing the writer's library."""
from __future__ import annotations

from kdweb.rules.terms import Level

from .columns import column_letter

SHEET = "Tổng hợp"
HEADER_ROW = 4
FIRST_ROW = 5

LEVELS = tuple(sorted(Level, reverse=True))
COLUMN_LETTERS = {name: column_letter(number) for number, name in enumerate(
    ("subject", "total", *(level.code for level in LEVELS), "not_rated", "blank", "ratio", "limit", "check"), start=1,
)}
CHECK_COLUMN = COLUMN_LETTERS["check"]  # the cell a quota finding points at
