"""What reading a workbook learns that holds for every workbook the process reads, kept for the process's life.

A sandbox worker serves many uploads (isolation.SandboxLimits.max_tasks), and what units type in their
dropdown columns is a closed vocabulary: the same levels, grades, yes/no and reasons, in a handful of
spellings, in the same few combinations. Readings of that vocabulary are kept here, bounded, so that a
worker's next upload reads most of its rows from what earlier uploads — other units' — taught it. Nothing of
one unit's own is kept: no free text (names, remarks), no text that read with a problem, no code.

`forget()` empties every memo registered here: the benchmark times an upload as a worker's next one, after
other units' workbooks only (bench/bench_excel.py), and tests start from a process that has read nothing.
"""
from __future__ import annotations

from typing import Callable

_FORGETTERS: list[Callable[[], None]] = []


class Bounded(dict):
    """A dict that takes no new key past its bound: the first readings a process meets are the common ones, and
    a worker's memory stays within the memory row of docs/performance.md whatever it reads."""

    __slots__ = ("bound",)

    def __init__(self, bound: int):
        super().__init__()
        self.bound = bound

    def keep(self, key, value) -> None:
        if len(self) < self.bound:
            self[key] = value


def bounded(bound: int) -> Bounded:
    """A memo for the process, emptied by `forget`."""
    memo = Bounded(bound)
    remembered(memo.clear)
    return memo


def remembered(forget_it: Callable[[], None]) -> Callable[[], None]:
    """Register how to empty a memo kept elsewhere (a dict's `clear`, an lru_cache's `cache_clear`)."""
    _FORGETTERS.append(forget_it)
    return forget_it


def forget() -> None:
    """Every registered memo emptied: the process as if it had read no workbook."""
    for forget_it in _FORGETTERS:
        forget_it()
