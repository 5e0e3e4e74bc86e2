"""The columns of docs/rulebook.md §6 in their official order, shared by the page and every export; a scored rule
set (docs/rulebook-366.md §5) adds the mean score and the counts per score band. Each column declares its header path (one to
three header rows) and its width: the page's and the .xlsx's header cells, spans and letters are computed from
the list (`header_cells`), never written by hand."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from kdweb.domain import Level, NotRatedReason

from .tables import QuotaShares, TableRow
from .vocabulary import LEVEL_TEXTS, LEVELS, NOT_RATED_TEXT, REASONS, SCORE_BANDS, reason_label

RESULTS, NOT_RATED, SCORES = "Kết quả đánh giá, xếp loại", NOT_RATED_TEXT, "Chấm điểm (Quy định 366-QĐ/TW)"
# Under a scored rule set only three cases are not rated (docs/rulebook-366.md §3 M-LEVEL): they stand together.
THREE_CASES, OTHER_CASES = "Ba trường hợp theo Quy định 366-QĐ/TW", "Trường hợp khác"
SCORED_REASONS = (NotRatedReason.EXEMPT.code, NotRatedReason.SUSPENDED.code, NotRatedReason.NEW.code)
DISCRETION = "Số trường hợp đề nghị cấp có thẩm quyền xem xét (tự phát hiện, khắc phục; bất khả kháng)"


@dataclass(frozen=True)
class Column:
    key: str  # stable ASCII name (JSON)
    header: str  # one-line Vietnamese header (CSV, ODS)
    type: str  # text, count, percent, score
    value: Callable[[TableRow], object]
    measure: str | None = None  # the drill-down measure of a count
    previous: Callable[[TableRow], object] | None = None  # last year's value of a percentage
    heads: tuple[str, ...] = ()  # the header rows from the top (1 to 3); the last one spans what is left
    short: tuple[str, ...] = ()  # the page's shorter texts, where they differ
    width: float = 10


@dataclass(frozen=True)
class HeaderCell:
    row: int  # 0-based header row
    first: int  # 0-based columns, inclusive
    last: int
    rows: int  # how many header rows it spans
    text: str
    short: str


HEADER_ROWS = 3


def header_cells(cols: list[Column], first_header: str | None = None) -> list[HeaderCell]:
    """The header cells: each column's path of texts, neighbours with the same path merged across, a path
    shorter than three rows spanning down. `first_header` names the rows' label column ("Đơn vị", a group)."""
    cells: list[HeaderCell] = []
    open_cells: dict[int, tuple[tuple, HeaderCell]] = {}
    for index, column in enumerate(cols):
        heads = (first_header,) if column.key == "label" and first_header else column.heads or (column.header,)
        shorts = column.short or heads
        for level, text in enumerate(heads):
            rows = HEADER_ROWS - level if level == len(heads) - 1 else 1
            path = (heads[: level + 1], rows)
            previous = open_cells.get(level)
            if previous is not None and previous[0] == path and previous[1].last == index - 1:
                cell = previous[1]
                merged = HeaderCell(cell.row, cell.first, index, cell.rows, cell.text, cell.short)
                cells[cells.index(cell)] = merged
                open_cells[level] = (path, merged)
                continue
            cell = HeaderCell(level, index, index, rows, text, shorts[level] if level < len(shorts) else text)
            cells.append(cell)
            open_cells[level] = (path, cell)
        for level in range(len(heads), HEADER_ROWS):
            open_cells.pop(level, None)
    return sorted(cells, key=lambda cell: (cell.row, cell.first))


def _count(measure: str, key: str, header: str, heads: tuple[str, ...], width: float = 9, short=()) -> Column:
    return Column(key, header, "count", lambda row: row.counts.get(measure), measure, heads=heads, short=short,
                  width=width)


def _level_columns(level: str) -> list[Column]:
    middle = f"{LEVEL_TEXTS[level]} ({level})"
    return [
        _count(level, level.lower(), f"{level} - số lượng", (RESULTS, middle, "Số lượng"), 8,
               short=(RESULTS, level, "SL")),
        Column(f"{level.lower()}_percent", f"{level} - tỷ lệ (%)", "percent", lambda row: row.percent(level),
               previous=lambda row: row.previous_percent(level), heads=(RESULTS, middle, "Tỷ lệ (%)"),
               short=(RESULTS, level, "%"), width=8),
    ]


def _reason_column(reason: str, kind: str | None, width: float, scored: bool) -> Column:
    label = reason_label(reason, kind)
    heads = (NOT_RATED, THREE_CASES if reason in SCORED_REASONS else OTHER_CASES, label) if scored else (
        NOT_RATED, label)
    return _count(reason, reason.lower(), f"Không xếp loại - {label}", heads, width)


def _score_columns() -> list[Column]:
    result = [Column("score_mean", "Điểm bình quân", "score", lambda row: row.scores.mean if row.scores else None,
                     heads=(SCORES, "Điểm bình quân"), width=10)]
    for band, text in SCORE_BANDS.items():
        result.append(Column(f"band_{band.lower()}", f"Số theo khung điểm - {text}", "count",
                             lambda row, band=band: row.scores.bands.get(band, 0) if row.scores else None,
                             heads=(SCORES, "Số theo khung điểm", text), width=9))
    result.append(Column("discretion", "Số trường hợp đề nghị cấp có thẩm quyền xem xét (S-DISCRETION)", "count",
                         lambda row: row.scores.discretion if row.scores else None, heads=(DISCRETION,), width=14))
    return result


def columns(kind: str | None = None, scored: bool = False) -> list[Column]:
    """Every column of a table; `kind` only words the "new" reason (kết nạp / thành lập); `scored` adds the
    columns of a scored rule set."""
    result = [
        Column("number", "STT", "text", lambda row: row.number, heads=("STT",), width=6),
        Column("label", "Đơn vị", "text", lambda row: row.label, heads=("Đơn vị",), width=40),
        _count("roster", "roster", "Tổng số", ("Tổng số",), 9),
        _count("rated", "rated", "Số được đánh giá, xếp loại", ("Số được đánh giá, xếp loại",), 11),
    ]
    for level in LEVELS:
        result += _level_columns(level)
    result.append(Column("htxsnv_httnv_ratio", "Tỷ lệ HTXSNV/HTTNV (%)", "percent", lambda row: row.ratio,
                         previous=lambda row: row.previous_ratio, heads=(RESULTS, "Tỷ lệ HTXSNV/HTTNV (%)"),
                         width=12))
    result.append(_count("not_rated", "not_rated", "Không xếp loại - tổng số", (NOT_RATED, "Tổng số"), 9))
    widths = dict(zip(REASONS, (11, 10, 11, 13, 10)))
    result += [_reason_column(reason, kind, widths[reason], scored) for reason in REASONS]
    if scored:
        result += _score_columns()
    result.append(_count("disciplined", "disciplined", "Trong đó bị kỷ luật", ("Trong đó bị kỷ luật",), 10))
    result.append(Column("note", "Ghi chú", "text", lambda row: row.note, heads=("Ghi chú",), width=18))
    return result


def quota_columns(shares: QuotaShares = QuotaShares()) -> list[Column]:
    """The table of HTXSNV per quota group with its limit (docs/rulebook-366.md §5); rows are `QuotaRow`s. The
    outstanding group's share in the heading is the rule set's (`shares`, a report's `quota_shares`)."""
    return [
        Column("number", "STT", "text", lambda row: row.number, heads=("STT",), width=6),
        Column("label", "Nhóm tính tỷ lệ", "text", lambda row: row.label, heads=("Nhóm tính tỷ lệ",), width=40),
        *(Column(level.code.lower(), f"Số {level.code}", "count", lambda row, level=level: row.count(level.code),
                 heads=("Số xếp loại", level.code), width=9) for level in (Level.HTTNV, Level.HTXSNV)),
        Column("htxsnv_httnv_ratio", "Tỷ lệ HTXSNV/HTTNV (%)", "percent", lambda row: row.ratio,
               heads=("Tỷ lệ HTXSNV/HTTNV (%)",), width=12),
        Column("outstanding", f"Nhóm được đánh giá nổi trội (mức {shares.text(shares.outstanding)})", "text", lambda row: row.mark,
               heads=("Mức tối đa", "Nhóm nổi trội"), width=10),
        Column("limit_percent", "Mức tối đa - tỷ lệ (%)", "percent", lambda row: row.share_percent,
               heads=("Mức tối đa", "Tỷ lệ (%)"), width=9),
        Column("limit", "Mức tối đa - số HTXSNV", "count", lambda row: row.limit, heads=("Mức tối đa", "Số HTXSNV"),
               width=10),
        Column("over", "Số HTXSNV vượt mức", "count", lambda row: row.over, heads=("Số HTXSNV vượt mức",), width=10),
    ]
