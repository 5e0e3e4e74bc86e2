"""From counts per unit to the report's tables: unit rows grouped by group of similar function, group
subtotals, district totals, and (for organisations, collectives and leaders) the rows per the subject's own
quota group. Sums here add up already-aggregated counts; the rating rows themselves are counted in SQL.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kdweb.domain import SubjectKind, WorkbookStatus

from .counts import Counts, ScoreStats
from .formatting import vn_count
from .percent import percent
from .vocabulary import (
    BASIS_TEXTS, KIND_TEXTS, MEMBER, RATING_GROUP_TEXTS, SUBJECT_KINDS, group_key, group_label, rating_group_label,
    state_text,
)

TOTAL_LABEL = "Tổng cộng toàn Đảng bộ"


@dataclass(frozen=True)
class RatedTwice:
    """A subject other than a member rated by more than one unit of the basis: moved to another unit (a chi bộ
    under another đảng bộ, a collective or a post rated elsewhere) after the first unit submitted."""

    kind: str
    code: str
    name: str
    units: tuple[str, ...]  # "name (code)" of each unit that rated it
    counted_at: str | None = None  # "name (code)" of the unit whose listing a district-wide quota counts


@dataclass(frozen=True)
class ReportedUnit:
    """A reporting unit whose current submission is in the basis."""

    id: int
    code: str
    name: str
    group: str | None
    sort_order: int
    state: str


@dataclass(frozen=True)
class UnitCounts:
    unit_id: int
    kind: str
    rating_group: str | None
    counts: Counts
    scores: ScoreStats | None = None  # under a scored rule set


@dataclass(frozen=True)
class MissingUnit:
    """A reporting unit whose current submission is not in the basis (none yet, returned, or not approved)."""

    code: str
    name: str
    group: str | None
    status: str
    state: str | None
    sort_order: int = 0

    @property
    def state_text(self) -> str:
        return state_text(self.state)


@dataclass(frozen=True)
class TableRow:
    row_type: str  # unit, group, total, rating_group
    number: str
    label: str
    counts: Counts
    unit_code: str | None = None
    group: str | None = None
    rating_group: str | None = None
    note: str = ""
    previous: Counts | None = None
    scores: ScoreStats | None = None

    @property
    def key(self) -> tuple:
        """What identifies the row from one year to the next."""
        if self.row_type == "unit":
            return ("unit", self.unit_code)
        if self.row_type == "group":
            return ("group", group_key(self.group))
        if self.row_type == "rating_group":
            return ("rating_group", group_key(self.rating_group))
        return ("total",)

    @property
    def filters(self) -> dict[str, str]:
        """The drill-down query parameters that select this row's subjects."""
        if self.row_type == "unit":
            return {"unit": self.unit_code}
        if self.row_type == "group":
            return {"group": group_key(self.group)}
        if self.row_type == "rating_group":
            return {"rgroup": group_key(self.rating_group)}
        return {}

    def percent(self, level: str) -> Decimal | None:
        return percent(self.counts.get(level), self.counts.rated)

    @property
    def ratio(self) -> Decimal | None:
        """HTXSNV / HTTNV in %, the quota ratio of docs/rulebook.md §4 Q-20."""
        return percent(self.counts.htxsnv, self.counts.httnv)

    def previous_percent(self, level: str) -> Decimal | None:
        return None if self.previous is None else percent(self.previous.get(level), self.previous.rated)

    @property
    def previous_ratio(self) -> Decimal | None:
        return None if self.previous is None else percent(self.previous.htxsnv, self.previous.httnv)


@dataclass(frozen=True)
class KindTable:
    kind: str
    rows: tuple[TableRow, ...]
    rating_group_rows: tuple[TableRow, ...] = ()
    notes: tuple[str, ...] = ()
    quota_rows: tuple = ()  # QuotaRow, under a scored rule set (kdweb/reports/quota.py)

    @property
    def title(self) -> str:
        return KIND_TEXTS[self.kind]

    @property
    def rating_group_title(self) -> str | None:
        return RATING_GROUP_TEXTS.get(self.kind)

    @property
    def total(self) -> TableRow:
        return self.rows[-1]

    @property
    def unit_rows(self) -> list[TableRow]:
        return [row for row in self.rows if row.row_type == "unit"]

    @property
    def group_rows(self) -> list[TableRow]:
        return [row for row in self.rows if row.row_type == "group"]

    @property
    def is_empty(self) -> bool:
        return self.total.counts.roster == 0

    def all_rows(self):
        yield from self.rows
        yield from self.rating_group_rows

    def is_collapsed(self, limit: int) -> bool:
        """A city's table (thousands of unit rows) is shown one group at a time."""
        return len(self.unit_rows) > limit

    def shown_rows(self, limit: int, open_group: str | None) -> list[TableRow]:
        """Every row; or, for a collapsed table, the group rows and the total, with the one open group's units."""
        if not self.is_collapsed(limit):
            return list(self.rows)
        return [row for row in self.rows if row.row_type != "unit" or group_key(row.group) == open_group]

    def units_per_group(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for row in self.unit_rows:
            counted[group_key(row.group)] = counted.get(group_key(row.group), 0) + 1
        return counted


@dataclass(frozen=True)
class QuotaShares:
    """The rule set's two shares: the ordinary one (20 %) and an outstanding group's (25 %)."""

    ordinary: Fraction = Fraction(1, 5)
    outstanding: Fraction = Fraction(1, 4)

    @staticmethod
    def text(share: Fraction) -> str:
        """As the report writes a share: "20 %", "22,5 %"."""
        value = (Decimal(share.numerator * 100) / share.denominator).quantize(Decimal("0.01")).normalize()
        return f"{value:f}".replace(".", ",") + " %"

    @property
    def title(self) -> str:
        """The quota table's title, with the rule set's shares."""
        return (f"Tỷ lệ HTXSNV/HTTNV theo nhóm tính tỷ lệ (mức {self.text(self.ordinary)}, nhóm được đánh giá nổi "
                f"trội {self.text(self.outstanding)})")


@dataclass(frozen=True)
class Report:
    year: int
    basis: str
    generated_on: date
    tables: tuple[KindTable, ...]
    missing: tuple[MissingUnit, ...]
    reported_count: int
    previous_year: int | None = None
    notes: tuple[str, ...] = field(default=())
    rule_set_id: str | None = None
    scored: bool = False
    quota_shares: QuotaShares = QuotaShares()

    @property
    def basis_text(self) -> str:
        return BASIS_TEXTS[self.basis]

    @property
    def expected_count(self) -> int:
        return self.reported_count + len(self.missing)

    @property
    def every_note(self) -> list[str]:
        """The notes of every kind's table, then the report's own: what a flat export carries under its rows."""
        return [note for table in self.tables for note in table.notes] + list(self.notes)

    def table(self, kind: str) -> KindTable:
        return next(table for table in self.tables if table.kind == kind)


def build_report(year: int, basis: str, generated_on: date, units: list[ReportedUnit],
                 counts: list[UnitCounts], missing: list[MissingUnit], distinct_members: int | None = None,
                 rule_set_id: str | None = None, scored: bool = False, quota_marks: set | None = None,
                 shares=None, rated_twice: int = 0, others_rated_twice: tuple[RatedTwice, ...] = (),
                 quota_counts: list[UnitCounts] | None = None) -> Report:
    """`distinct_members`: members listed in the basis, each counted once (a temporary listing duplicates a member
    only when his or her home unit is in the basis too); without it, every temporary listing is taken as one.
    `rated_twice`: members rated by two units of the basis (moved after the first one submitted), said in the note;
    `others_rated_twice`: the other subjects rated by two units, each named in its kind's note.
    `scored`: the cycle's rule set scores (qd366-hd43): rows carry their scores, and each table has its quota
    groups, outstanding where `quota_marks` holds (unit id, kind), with the rule set's `shares`, counted from
    `quota_counts` where given (a district-wide quota counts a subject rated by two units once, as the checks do)."""
    from .quota import quota_rows

    by_id = {unit.id: unit for unit in units}
    tables = tuple(_kind_table(kind, by_id, [c for c in counts if c.kind == kind], distinct_members, scored,
                               rated_twice, tuple(item for item in others_rated_twice if item.kind == kind))
                   for kind in SUBJECT_KINDS)
    if scored:
        quota_basis = counts if quota_counts is None else quota_counts
        tables = tuple(replace(table, quota_rows=quota_rows(table.kind, by_id, quota_basis, quota_marks or set(),
                                                            shares or QuotaShares()))
                       for table in tables)
    ordered_missing = tuple(sorted(missing, key=lambda unit: (unit.sort_order, unit.code)))
    report = Report(year, basis, generated_on, tables, ordered_missing, len(units), rule_set_id=rule_set_id,
                    scored=scored, quota_shares=shares or QuotaShares())
    return replace(report, notes=_notes(report))


def with_previous(report: Report, previous: Report | None, successors: dict[str, str] | None = None) -> Report:
    """The same report with last year's counts beside each row that existed then. A previous year under another
    rule set is still shown, and a note says the two are not rated alike. `successors` maps a unit code of last
    year to the code of the unit that took it over, so that its row is compared with its successor's."""
    if previous is None:
        return report
    notes = report.notes
    if previous.rule_set_id and report.rule_set_id and previous.rule_set_id != report.rule_set_id:
        notes = notes + (
            f"Năm {previous.year} đánh giá theo bộ quy tắc {previous.rule_set_id}, năm {report.year} theo "
            f"{report.rule_set_id}: hai năm không cùng tiêu chí, số liệu so sánh chỉ để tham khảo.",
        )
    report = replace(report, notes=notes)
    tables = []
    for table in report.tables:
        old = _previous_counts(previous.table(table.kind), successors or {})
        tables.append(replace(
            table,
            rows=tuple(replace(row, previous=old.get(row.key)) for row in table.rows),
            rating_group_rows=tuple(replace(row, previous=old.get(row.key)) for row in table.rating_group_rows),
        ))
    return replace(report, tables=tuple(tables), previous_year=previous.year)


def _previous_counts(table: KindTable, successors: dict[str, str]) -> dict[tuple, Counts]:
    """Last year's counts by row key; a unit that was merged or renamed since counts under its successor (and
    several merged into one add up)."""
    old: dict[tuple, Counts] = {}
    for row in table.all_rows():
        key = row.key
        if row.row_type == "unit" and row.unit_code in successors:
            key = ("unit", _last_successor(row.unit_code, successors))
        old[key] = old[key] + row.counts if key in old and row.row_type == "unit" else row.counts
    return old


def _last_successor(code: str, successors: dict[str, str]) -> str:
    seen = {code}
    while code in successors and successors[code] not in seen:
        code = successors[code]
        seen.add(code)
    return code


def _kind_table(kind: str, units: dict[int, ReportedUnit], counts: list[UnitCounts],
                distinct_members: int | None = None, scored: bool = False, rated_twice: int = 0,
                others_twice: tuple[RatedTwice, ...] = ()) -> KindTable:
    per_unit: dict[int, Counts] = {}
    per_unit_scores: dict[int, ScoreStats] = {}
    for item in counts:
        per_unit[item.unit_id] = per_unit.get(item.unit_id, Counts()) + item.counts
        if scored:
            per_unit_scores[item.unit_id] = per_unit_scores.get(item.unit_id, ScoreStats()) + (
                item.scores or ScoreStats())
    groups: dict[str | None, list[ReportedUnit]] = {}
    for unit in sorted((units[unit_id] for unit_id in per_unit), key=lambda u: (u.sort_order, u.code)):
        groups.setdefault(unit.group, []).append(unit)
    rows: list[TableRow] = []
    for index, (group, members) in enumerate(groups.items(), 1):
        subtotal = sum((per_unit[unit.id] for unit in members), Counts())
        group_scores = sum((per_unit_scores[unit.id] for unit in members), ScoreStats()) if scored else None
        rows.append(TableRow("group", _roman(index), group_label(group), subtotal, group=group, scores=group_scores))
        rows.extend(
            TableRow("unit", str(number), unit.name, per_unit[unit.id], unit_code=unit.code, group=group,
                     note=_unit_note(unit), scores=per_unit_scores.get(unit.id) if scored else None)
            for number, unit in enumerate(members, 1)
        )
    total = sum(per_unit.values(), Counts())
    total_scores = sum(per_unit_scores.values(), ScoreStats()) if scored else None
    rows.append(TableRow("total", "", TOTAL_LABEL, total, scores=total_scores))
    rating_rows: tuple[TableRow, ...] = ()
    if kind in RATING_GROUP_TEXTS:
        rating_rows = _rating_group_rows(units, counts, total, scored, total_scores)
    notes = (_temporary_note(total, distinct_members, rated_twice),) if kind == MEMBER else ()
    if others_twice:
        notes += (_rated_twice_note(kind, total, others_twice, scored),)
    return KindTable(kind, tuple(rows), rating_rows, notes)


def _rating_group_rows(units: dict[int, ReportedUnit], counts: list[UnitCounts], total: Counts, scored: bool = False,
                       total_scores: ScoreStats | None = None):
    sums: dict[str | None, Counts] = {}
    scores: dict[str | None, ScoreStats] = {}
    first_seen: dict[str | None, tuple] = {}
    for item in counts:
        sums[item.rating_group] = sums.get(item.rating_group, Counts()) + item.counts
        if scored:
            scores[item.rating_group] = scores.get(item.rating_group, ScoreStats()) + (item.scores or ScoreStats())
        unit = units[item.unit_id]
        place = (unit.sort_order, unit.code, rating_group_label(item.rating_group))
        first_seen[item.rating_group] = min(first_seen.get(item.rating_group, place), place)
    ordered = sorted(sums, key=lambda group: first_seen[group])
    rows = [TableRow("rating_group", str(number), rating_group_label(group), sums[group], rating_group=group,
                     scores=scores.get(group) if scored else None)
            for number, group in enumerate(ordered, 1)]
    rows.append(TableRow("total", "", TOTAL_LABEL, total, scores=total_scores))
    return tuple(rows)


def _unit_note(unit: ReportedUnit) -> str:
    return state_text(unit.state) if unit.state == WorkbookStatus.SUBMITTED.code else ""


def _temporary_note(total: Counts, distinct_members: int | None = None, rated_twice: int = 0) -> str:
    distinct = total.roster - total.temporary - rated_twice if distinct_members is None else distinct_members
    counted_twice = total.roster - distinct - rated_twice  # temporary listings whose home unit is in the basis
    elsewhere = total.temporary - counted_twice
    also = (f" ({vn_count(elsewhere)} người trong số đó có đơn vị sinh hoạt chính thức chưa có trong số liệu này, "
            f"nên chỉ được tính một lần)") if elsewhere > 0 else ""
    rated = ("Vì vậy số được đánh giá, xếp loại không tính trùng ai" if not rated_twice else
             f"Vì vậy số được đánh giá, xếp loại chỉ tính trùng {vn_count(rated_twice)} đảng viên được hai đơn vị cùng "
             f"đánh giá, xếp loại (chuyển sinh hoạt sau khi đơn vị cũ đã nộp; trang kiểm tra giữa các đơn vị nêu tên "
             f"từng người)")
    return (
        "Đảng viên sinh hoạt tạm thời được đánh giá, xếp loại ở chi bộ nơi sinh hoạt chính thức; danh sách của "
        "chi bộ nơi sinh hoạt tạm thời vẫn ghi tên họ nhưng không xếp loại (cột “Khác: sinh hoạt tạm thời”). "
        f"{rated}; riêng “Tổng số” đảng viên của toàn Đảng bộ gồm cả {vn_count(total.temporary)} lượt ghi tên "
        f"này{also}, tức {vn_count(distinct)} đảng viên không tính trùng."
    )


_NAMED_TWICE = 10


def _rated_twice_note(kind: str, total: Counts, twice: tuple[RatedTwice, ...], scored: bool = False) -> str:
    noun = SubjectKind(kind).noun
    counted_again = sum(len(item.units) - 1 for item in twice)
    named = "; ".join(f"{item.name} (mã {item.code}) ở {', '.join(item.units)}" for item in twice[:_NAMED_TWICE])
    more = f"; và {vn_count(len(twice) - _NAMED_TWICE)} {noun} khác" if len(twice) > _NAMED_TWICE else ""
    return (
        f"Số được đánh giá, xếp loại của {noun} chỉ tính trùng {vn_count(len(twice))} {noun} được hai đơn vị trở lên "
        f"cùng đánh giá, xếp loại (chuyển sang đơn vị khác sau khi đơn vị cũ đã nộp; trang kiểm tra giữa các đơn vị "
        f"nêu từng trường hợp, trả lại đơn vị không còn quản lý để nộp lại): {named}{more}. Không tính trùng thì "
        f"có {vn_count(total.rated - counted_again)} {noun} được đánh giá, xếp loại.{_counted_once(noun, twice, scored)}"
    )


def _counted_once(noun: str, twice: tuple[RatedTwice, ...], scored: bool) -> str:
    """Where a district-wide quota counts each of them: once, in the unit that lists it first (by unit code)."""
    counted = [item for item in twice if item.counted_at]
    if not counted:
        return ""
    where = "; ".join(f"mã {item.code} ở {item.counted_at}" for item in counted[:_NAMED_TWICE])
    more = f"; và {vn_count(len(counted) - _NAMED_TWICE)} {noun} khác" if len(counted) > _NAMED_TWICE else ""
    counts = ("Bảng “Tỷ lệ HTXSNV/HTTNV theo nhóm tính tỷ lệ”, như kiểm tra giữa các đơn vị," if scored else
              "Kiểm tra tỷ lệ HTXSNV giữa các đơn vị (cột HTXSNV/HTTNV ở trên vẫn cộng theo từng đơn vị đã nộp)")
    return (f" {counts} chỉ tính mỗi {noun} này một lần, ở đơn vị ghi tên trước (theo thứ tự mã đơn vị): "
            f"{where}{more}.")


def _notes(report: Report) -> tuple[str, ...]:
    notes = []
    notes.append("Tỷ lệ (%) tính trên số được đánh giá, xếp loại, làm tròn hai chữ số thập phân; tỷ lệ "
                 "HTXSNV/HTTNV là số HTXSNV chia cho số HTTNV (không gồm HTXSNV).")
    if report.missing:
        notes.append(f"Còn {len(report.missing)}/{report.expected_count} đơn vị chưa có số liệu theo cơ sở "
                     "số liệu đã chọn; số liệu chưa gồm các đơn vị này.")
    return tuple(notes)


def _roman(number: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text += numeral
            number -= value
    return text


__all__ = ["KindTable", "MissingUnit", "RatedTwice", "Report", "ReportedUnit", "TableRow", "UnitCounts",
           "build_report", "with_previous"]
