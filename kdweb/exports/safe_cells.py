"""Text that came from users, made safe for spreadsheets (formula injection, OWASP "CSV injection").

A cell whose text starts with = + - @, a tab or a carriage return may be run as a formula by Excel or
LibreOffice when the file is opened or the cell edited. Such text gets the spreadsheet's own answer to it,
a leading apostrophe: written into .csv and .ods text, and as Excel's "quote prefix" flag in .xlsx (which shows
the text unchanged and keeps it text when edited). Numbers and dates are never touched.
"""
from __future__ import annotations

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
APOSTROPHE = "'"


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


def neutralise(value):
    """For .csv and .ods: risky text gets a leading apostrophe; anything else is returned as it is."""
    return APOSTROPHE + value if is_risky(value) else value


def neutralise_row(values) -> list:
    return [neutralise(value) for value in values]


def set_text(cell, value) -> None:
    """For openpyxl cells: store `value`; risky text is stored as text with the quote prefix, never a formula."""
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_only_value(sheet, value):
    """For openpyxl write-only rows: risky text as a cell stored as text with the quote prefix; anything else
    as it is."""
    if not is_risky(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type, cell.quotePrefix = "s", True
    return cell
