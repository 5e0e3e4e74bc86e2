"""A returned unit's own file with the reviewers' comments carried back as Excel notes.

Every comment goes on the instructions sheet (the first thing a clerk opens). A comment that names a cell
(`'Đảng viên'!N12`, `Đảng viên!N12`) also goes on that cell; one that names a subject's code (a member's card
number, a unit code) also goes on the first cell of that subject's row, so the clerk finds it where it applies.
Only for uploads the reader accepted: they passed the safety guards.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.comments import Comment

from .instructions import SHEET as INSTRUCTIONS_SHEET

AUTHOR = "Ban Tổ chức"  # the notes' author when the caller does not name the superior's staff body
_MAX_NOTE = 4_000
_IDENTITY_COLUMNS = 4  # codes live in the first columns of a subject sheet
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
    workbook = load_workbook(io.BytesIO(data), keep_vba=False)
    placed: dict[tuple[str, str], list[ReviewNote]] = {}
    for note in notes:
        for place in places(workbook, note.text):
            placed.setdefault(place, [])
            if note not in placed[place]:
                placed[place].append(note)
    for (sheet_name, address), found in placed.items():
        write_note(workbook[sheet_name][address], found, author)
    instructions = workbook[INSTRUCTIONS_SHEET] if INSTRUCTIONS_SHEET in workbook.sheetnames else workbook.worksheets[0]
    if notes:
        write_note(instructions["A1"], notes, author)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_note(cell, notes: list[ReviewNote], author: str = AUTHOR) -> None:
    text = "\n\n".join(f"{note.heading}\n{note.text}" for note in notes)[:_MAX_NOTE]
    cell.comment = Comment(text, author[:255], width=420, height=200)


def places(workbook, text: str) -> list[tuple[str, str]]:
    """The cells a comment names, then the rows of the subjects whose codes it names."""
    found = []
    for quoted, bare, column, row in _CELL_REFERENCE.findall(text):
        sheet = quoted or bare
        if sheet in workbook.sheetnames and workbook[sheet].sheet_state == "visible":
            found.append((sheet, f"{column}{row}"))
    tokens = {token for token in _CODE_TOKEN.findall(_CELL_REFERENCE.sub(" ", text))
              if len(token) >= 4 and not _YEAR.fullmatch(token)}
    if tokens:
        found.extend(rows_with_codes(workbook, tokens))
    return found


def rows_with_codes(workbook, tokens: set[str]) -> list[tuple[str, str]]:
    found = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or sheet.title == INSTRUCTIONS_SHEET:
            continue
        for row in sheet.iter_rows(max_col=_IDENTITY_COLUMNS):
            if any(str(cell.value).strip() in tokens for cell in row if cell.value is not None):
                found.append((sheet.title, row[0].coordinate))
    return found
