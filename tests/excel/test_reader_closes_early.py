"""The reader loads every sheet it reads, then closes calamine's workbook before it reads a row: an open workbook
keeps every distinct text of the file (the remarks among them), 20 MB of a 30,000-member upload, which the records
then reuse (docs/performance.md, the memory row; bench/bench_memory.py measures it)."""
from __future__ import annotations

import pytest

from kdweb.excel import reader

from .builders import MEMBERS_SHEET, Filler, build_demo, fill_clean, read_demo
from .test_copied_tabs import with_copy


class _Watched:
    """calamine's workbook, noting when it is closed."""

    def __init__(self, workbook):
        self._workbook, self.closed = workbook, False

    def close(self):
        self.closed = True
        return self._workbook.close()

    def __getattr__(self, name):
        return getattr(self._workbook, name)


@pytest.mark.parametrize("copied", [False, True], ids=["issued tabs only", "with a filled copy of a tab"])
def test_no_subject_row_is_read_while_the_workbook_is_open(monkeypatch, copied):
    opened, reads = [], []
    spool_open, read_sheet = reader._Spool.open, reader.read_subject_sheet

    def watched_open(spool):
        opened.append(_Watched(spool_open(spool)))
        return opened[-1]

    def read_watched(rows, name, *args, **kwargs):
        reads.append((name, opened[-1].closed))
        return read_sheet(rows, name, *args, **kwargs)

    monkeypatch.setattr(reader._Spool, "open", watched_open)
    monkeypatch.setattr(reader, "read_subject_sheet", read_watched)
    filler = with_copy(Filler(build_demo()), fill_copy=True) if copied else fill_clean(Filler(build_demo()))
    result = read_demo(filler.bytes())
    assert result.ok
    assert MEMBERS_SHEET in [name for name, _ in reads] and all(closed for _, closed in reads)
    assert [f.rule for f in result.findings if f.rule == "W-COPIED-TAB"] == (["W-COPIED-TAB"] if copied else [])
