"""The look of the workbook: Times New Roman (the font of official documents), as named cell styles.

Named styles keep the file small and the writer fast: a cell takes a style by name instead of five objects.
"""
from __future__ import annotations

from copy import copy

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side

FONT = "Times New Roman"
DATE_FORMAT = "DD/MM/YYYY"
IDENTITY_FILL = "F2F2F2"  # grey: issued by the system, locked
INPUT_HEADER_FILL = "FFF2CC"  # light yellow: the unit fills these
ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LOCKED = Protection(locked=True)
_UNLOCKED = Protection(locked=False)


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def _style(name, *, size=11, bold=False, italic=False, fill=None, border=True, wrap=False, horizontal=None,
           vertical="center", locked=True, number_format="General", color=None) -> NamedStyle:
    return NamedStyle(
        name=name,
        font=Font(name=FONT, size=size, bold=bold, italic=italic, color=color),
        fill=_fill(fill) if fill else PatternFill(),
        border=_BOX if border else Border(),
        alignment=Alignment(wrap_text=wrap, horizontal=horizontal, vertical=vertical),
        protection=_LOCKED if locked else _UNLOCKED,
        number_format=number_format,
    )


TITLE = "kd_title"
SUBTITLE = "kd_subtitle"
NOTE = "kd_note"
TEXT = "kd_text"
HEADER_IDENTITY = "kd_header_identity"
HEADER_INPUT = "kd_header_input"
INDEX = "kd_index"
IDENTITY = "kd_identity"
IDENTITY_DATE = "kd_identity_date"
INPUT = "kd_input"
INPUT_DATE = "kd_input_date"
INPUT_NUMBER = "kd_input_number"
COUNT = "kd_count"
PERCENT = "kd_percent"

_STYLES = (
    _style(TITLE, size=14, bold=True, border=False, horizontal="center"),
    _style(SUBTITLE, size=12, bold=True, border=False, horizontal="center"),
    _style(NOTE, size=11, italic=True, border=False, wrap=True, vertical="top"),
    _style(TEXT, border=False, wrap=True, vertical="top"),
    _style(HEADER_IDENTITY, bold=True, fill=IDENTITY_FILL, wrap=True, horizontal="center"),
    _style(HEADER_INPUT, bold=True, fill=INPUT_HEADER_FILL, wrap=True, horizontal="center"),
    _style(INDEX, fill=IDENTITY_FILL, horizontal="center"),
    _style(IDENTITY, fill=IDENTITY_FILL),
    _style(IDENTITY_DATE, fill=IDENTITY_FILL, horizontal="center", number_format=DATE_FORMAT),
    _style(INPUT, locked=False),
    _style(INPUT_DATE, locked=False, horizontal="center", number_format=DATE_FORMAT),
    _style(INPUT_NUMBER, locked=False, horizontal="center"),
    _style(COUNT, horizontal="center"),
    _style(PERCENT, horizontal="center", number_format="0.00%"),
)

_BY_NAME = {style.name: style for style in _STYLES}


def register(workbook) -> None:
    for style in _STYLES:
        workbook.add_named_style(style)


class Stamp:
    """Applies named styles to many cells quickly: the style is looked up once, then its array is copied
    (openpyxl's own `cell.style = name` rebuilds the list of style names on every assignment)."""

    def __init__(self, sheet):
        self._sheet = sheet
        self._arrays = {}

    def __call__(self, cell, name: str) -> None:
        array = self._arrays.get(name)
        if array is None:
            probe = self._sheet.cell(1, 1)
            saved = copy(probe._style)
            probe.style = name
            array = self._arrays[name] = copy(probe._style)
            probe._style = saved
        cell._style = copy(array)


def style_column(dimension, name: str) -> None:
    """Give a whole column a style's font, alignment, number format and protection (not its border or fill,
    which would run down to the sheet's last row)."""
    style = _BY_NAME[name]
    dimension.font = style.font
    dimension.alignment = style.alignment
    dimension.number_format = style.number_format
    dimension.protection = style.protection


def box() -> Border:
    return Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def error_fill() -> PatternFill:
    return _fill(ERROR_FILL)


def warning_fill() -> PatternFill:
    return _fill(WARNING_FILL)
