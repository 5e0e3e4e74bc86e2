"""Horizontal SVG bar charts, drawn on the server (no chart library, nothing for CSP to block): the report's level
distribution (one 100 % bar per group, drawn by templates/reports/_chart.html) and the dashboard's counts (one
segment a bar, drawn here)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from .formatting import vn_percent
from .percent import percent
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
    level: str  # its CSS class: a level code in the report, a tone (primary, success …) on the dashboard
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
    is_total: bool = False
    bar_height: int = BAR_HEIGHT

    @property
    def text_y(self) -> int:
        return self.y + self.bar_height - 5


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
        return self.bar_x + self.bar_width + 8


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


# the dashboard's count chart
COUNT_LABEL_END, COUNT_BAR_X, COUNT_BAR_WIDTH, COUNT_WIDTH, COUNT_BAR_HEIGHT = 144, 150, 190, 420, 22


def count_chart(counts: list[tuple[str, int, str]], title: str) -> str:
    """(label, count, tone) rows as one bar each, the longest bar the largest count, each with its share."""
    top = max((count for _, count, _ in counts), default=0) or 1
    total = sum(count for _, count, _ in counts)
    bars = [Bar(label, label, 8 + index * ROW_HEIGHT, count,
                (Segment(tone, Decimal(COUNT_BAR_X), Decimal(round(COUNT_BAR_WIDTH * count / top)), count,
                         percent(count, total)),), bar_height=COUNT_BAR_HEIGHT)
            for index, (label, count, tone) in enumerate(counts)]
    chart = Chart(tuple(bars), width=COUNT_WIDTH, label_end=COUNT_LABEL_END, bar_x=COUNT_BAR_X,
                  bar_width=COUNT_BAR_WIDTH, bar_height=COUNT_BAR_HEIGHT)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {chart.width} '
             f'{chart.height + 2}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for bar in chart.bars:
        segment = bar.segments[0]
        # written as the report writes a percentage (two decimals, half up, decimal comma): the members' chart
        # says the report's own shares of the submitted basis
        share = f" ({vn_percent(segment.percent)} %)" if segment.percent is not None else ""
        parts.append(
            f'<text x="{chart.label_end}" y="{bar.text_y}" text-anchor="end" class="chart-label">'
            f'{escape(bar.label)}</text>'
            f'<rect x="{segment.x}" y="{bar.y}" width="{segment.width}" height="{chart.bar_height}" rx="3" '
            f'class="bar bar-{escape(segment.level)}" data-value="{bar.rated}"/>'
            f'<text x="{segment.x + segment.width + 6}" y="{bar.text_y}" class="chart-value">{bar.rated}{share}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
