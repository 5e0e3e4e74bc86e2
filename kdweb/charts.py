"""Small horizontal bar charts drawn as SVG on the server: no chart library, nothing for CSP to block."""
from dataclasses import dataclass
from html import escape

ROW_HEIGHT = 30
LABEL_WIDTH = 150
BAR_WIDTH = 190
VALUE_WIDTH = 80


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    tone: str = "primary"  # a CSS class suffix: bar-primary, bar-success …


def bar_chart(bars: list[Bar], title: str) -> str:
    top = max((bar.value for bar in bars), default=0) or 1
    total = sum(bar.value for bar in bars)
    height = ROW_HEIGHT * len(bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = round(BAR_WIDTH * bar.value / top)
        share = f" ({100 * bar.value / total:.0f}%)" if total else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end" class="chart-label">{escape(bar.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{ROW_HEIGHT - 8}" rx="3" '
            f'class="bar bar-{escape(bar.tone)}" data-value="{bar.value}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 17}" class="chart-value">{bar.value}{share}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
