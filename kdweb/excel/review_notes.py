"""A returned unit's own file with the reviewers' comments carried back as Excel notes.

Every comment goes on the instructions sheet (the first thing a clerk opens). A comment that names a cell
(`'Đảng viên'!N12`, `Đảng viên!N12`) also goes on that cell; one that names a subject's code (a member's card
number, a unit code) also goes on the first cell of that subject's row, so the clerk finds it where it applies.
Only for uploads the reader accepted; they pass the safety guards again first, as for the annotated copy, and
the caller runs this in the sandbox. A note on a cell covered by a merged range goes on the range's first cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from functools import lru_cache

from openpyxl.comments import Comment

from kdweb.rules.parse import normalise_text
from kdweb.rules.registry import RULE_SETS

from .columns import is_sheet_cell, sheet_specs
from .instructions import SHEET as INSTRUCTIONS_SHEET
from .note_cells import note_cell, written_copy
from .safety import check_upload
from .sheets import HEADER_SEARCH_ROWS

AUTHOR = "Ban Tổ chức"  # the notes' author when the caller does not name the superior's staff body
_MAX_NOTE = 4_000
_CELL_REFERENCE = re.compile(r"(?:'([^']+)'|([^\s'!,;:()]+))!\$?([A-Z]{1,3})\$?(\d{1,7})\b")
_CODE_TOKEN = re.compile(r"[\w./-]*\d[\w./-]*")
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class ReviewNote:
    author: str
    when: str  # as the reader should see it, e.g. "07/12/2026 09:30"
    text: str

    @property
    def heading(self) -> str:
        return f"{self.author} ({self.when}):"


def add_review_notes(data: bytes, notes: list[ReviewNote], author: str = AUTHOR) -> bytes:
    """Raises Refusal when the bytes fail a guard, or when openpyxl cannot open them."""
    check_upload(data)
    return written_copy(data, lambda workbook: _write_notes(workbook, notes, author))


def _write_notes(workbook, notes: list[ReviewNote], author: str) -> None:
    placed: dict[tuple[str, str], list[ReviewNote]] = {}
    for note in notes:
        for sheet_name, address in places(workbook, note.text):
            place = (sheet_name, note_cell(workbook[sheet_name], address).coordinate)
            placed.setdefault(place, [])
            if note not in placed[place]:
                placed[place].append(note)
    for (sheet_name, address), found in placed.items():
        write_note(workbook[sheet_name][address], found, author)
    instructions = workbook[INSTRUCTIONS_SHEET] if INSTRUCTIONS_SHEET in workbook.sheetnames else workbook.worksheets[0]
    if notes:
        write_note(note_cell(instructions, "A1"), notes, author)


def write_note(cell, notes: list[ReviewNote], author: str = AUTHOR) -> None:
    text = "\n\n".join(f"{note.heading}\n{note.text}" for note in notes)[:_MAX_NOTE]
    cell.comment = Comment(text, author[:255], width=420, height=200)


def places(workbook, text: str) -> list[tuple[str, str]]:
    """The cells a comment names, then the rows of the subjects whose codes it names."""
    found = []
    for quoted, bare, column, row in _CELL_REFERENCE.findall(text):
        sheet = quoted or bare
        if sheet in workbook.sheetnames and workbook[sheet].sheet_state == "visible" and is_sheet_cell(column, int(row)):
            found.append((sheet, f"{column}{row}"))
    words = (token.rstrip("./-") for token in _CODE_TOKEN.findall(_CELL_REFERENCE.sub(" ", text)))
    tokens = {word for word in words if len(word) >= 4 and not _YEAR.fullmatch(word)}  # "DV000072." ends a sentence
    if tokens:
        found.extend(rows_with_codes(workbook, tokens))
    return found


def rows_with_codes(workbook, tokens: set[str]) -> list[tuple[str, str]]:
    found = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or sheet.title == INSTRUCTIONS_SHEET:
            continue
        column = code_column(sheet)
        if column is None:
            continue
        for (cell,) in sheet.iter_rows(min_col=column, max_col=column):
            if cell.value is not None and str(cell.value).strip() in tokens:
                found.append((sheet.title, sheet.cell(row=cell.row, column=1).coordinate))
    return found


def code_column(sheet) -> int | None:
    """The 1-based column under a subject sheet's code header (found as the reader finds it), wherever it stands."""
    for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS):
        for cell in row:
            if isinstance(cell.value, str) and normalise_text(cell.value) in code_headers():
                return cell.column
    return None


@lru_cache(maxsize=1)
def code_headers() -> frozenset[str]:
    """The code column's header of every subject sheet, in every rule set's registry."""
    return frozenset(normalise_text(spec.code_column.header) for rule_set in RULE_SETS.values()
                     for spec in sheet_specs(rule_set))
