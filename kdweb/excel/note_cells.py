"""Writing in an accepted upload again (the annotated copy, the returned copy with the reviewers' notes), and the
cell a note about an address goes on.

openpyxl, which writes the copy, does not open every file calamine reads: a workbook saved as “Strict Open XML
Spreadsheet” opens with no sheet, and cannot be saved. Such a file is refused here with its own message (the
upload itself stays checked). A cell covered by a merged range takes no note of its own in openpyxl: the note goes
on the range's first cell, the one the spreadsheet shows."""
from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Callable

from openpyxl import load_workbook

from .problems import refuse


def written_copy(data: bytes, write: Callable) -> bytes:
    """The file as openpyxl saves it after write(workbook); Refusal E-NO-COPY when openpyxl cannot open or save it."""
    with _openpyxl_failures():
        workbook = load_workbook(io.BytesIO(data), keep_vba=False)
        if not workbook.worksheets:
            raise ValueError("no worksheet read")
    write(workbook)
    buffer = io.BytesIO()
    with _openpyxl_failures():
        workbook.save(buffer)
    return buffer.getvalue()


@contextmanager
def _openpyxl_failures():
    try:
        yield
    except MemoryError:
        raise
    except Exception as error:  # openpyxl's failures on a file calamine read are many and unnamed
        raise refuse("E-NO-COPY", detail=f"openpyxl: {type(error).__name__}: {error}") from None


def note_cell(sheet, address: str):
    """The cell at `address`, or the first cell of the merged range that covers it."""
    for merged in sheet.merged_cells.ranges:
        if address in merged:
            return sheet.cell(merged.min_row, merged.min_col)
    return sheet[address]
