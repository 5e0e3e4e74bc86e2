"""Geometry of the level-distribution chart (one 100 % bar per group), drawn as SVG by the template."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .vocabulary import LEVELS

WIDTH = 760
LABEL_END = 230  # labels are right-aligned up to here
BAR_X = 240
BAR_WIDTH = 440
ROW_HEIGHT = 30
BAR_HEIGHT = 20
MAX_LABEL = 34
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Segment:
    level: str
    x: Decimal
    width: Decimal
    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    y: int
    rated: int
    segments: tuple[Segment, ...]
    is_total: bool

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    label_end: int = LABEL_END
    bar_x: int = BAR_X
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 6

    @property
    def count_x(self) -> int:
        return BAR_X + BAR_WIDTH + 8


def level_bars(rows) -> Chart:
    """One bar per row (group subtotals, then the district total); segments are cumulative, so they never gap."""
    bars = []
    for index, row in enumerate(rows):
        counts = row.counts
        segments, done = [], 0
        for level in LEVELS:
            count = counts.get(level)
            if count:
                start, done = _x(done, counts.rated), done + count
                segments.append(Segment(level, start, _x(done, counts.rated) - start, count, row.percent(level)))
        label = row.label if len(row.label) <= MAX_LABEL else row.label[:MAX_LABEL - 1] + "…"
        bars.append(Bar(label, row.label, 3 + index * ROW_HEIGHT, counts.rated, tuple(segments),
                        row.row_type == "total"))
    return Chart(tuple(bars))


def _x(done: int, rated: int) -> Decimal:
    return (BAR_X + Decimal(BAR_WIDTH) * done / rated).quantize(_CENT, ROUND_HALF_UP)
