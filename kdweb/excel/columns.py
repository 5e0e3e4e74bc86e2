"""Each subject sheet's columns, per rule set and layout, from the field registry (kdweb.rules.field_registry).

A column's `key` is the rules engine's raw-row key: a record field name, or "grade:<criterion code>". Its header,
who fills it (identity: pre-filled from the roster, locked and signed; input: the unit's; computed: a formula the
workbook keeps live), its dropdown list or number range, width, help text and the values the summary sheet counts
all come from the field's one declaration; a layout only names the keys in sheet order. Everything else (letters,
validations, formulas, cell locations) is computed. Keys of the workbook's own (`WORKBOOK_COLUMNS`): "index"
(STT), "status" (the member's statuses as one text) and "allowed_level" (the level a score allows, a formula).

The column set of a rule set is versioned (`LAYOUTS`): a workbook records the layout it was issued with in its
signed metadata and is read with those columns, so changing the columns never breaks a workbook in the field.
Recipe (docs/changing.md): a new input is one Field in the registry and its key in a new layout version.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from string import Formatter

from kdweb.rules.field_registry import (
    CHOICE, CHOICE_LISTS, CODES, COMPUTED, COUNT, DATE, IDENTITY, INPUT, NUMBER, REGISTRY, SCORE, TEXT, Field, Registry,
)
from kdweb.rules.messages import percent
from kdweb.rules.parse import LEVEL_CHOICES, normalise_text
from kdweb.rules.process_memos import bounded
from kdweb.rules.records import RECORD_TYPES
from kdweb.rules.ruleset import RuleSet
from kdweb.rules.terms import SubjectKind

INDEX = "index"


@lru_cache(maxsize=1024)
def column_letter(number: int) -> str:
    """1 → A, 27 → AA, as Excel names columns (here, not from openpyxl, so that reading an upload never imports the
    writer's library: the sandbox worker stays small)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """A → 1, AA → 27: column_letter's inverse."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


MAX_COLUMN, MAX_ROW = 16384, 1048576  # XFD1048576, the last cell of a worksheet


def is_sheet_cell(letters: str, row: int) -> bool:
    """Whether column `letters`, row `row` is a cell of a worksheet (A1 … XFD1048576)."""
    return column_number(letters) <= MAX_COLUMN and 1 <= row <= MAX_ROW


HEADER_ROW = 4  # 1-based rows of every subject sheet
FIRST_DATA_ROW = 5

LISTS: dict[str, tuple[str, ...]] = {key: texts for key, (_, texts) in CHOICE_LISTS.items()}
LIST_TITLES = {key: title for key, (title, _) in CHOICE_LISTS.items()}

# Record fields that are never roster facts: the rating itself and the reader's own bookkeeping.
_RATING_FIELDS = frozenset({"level", "not_rated", "not_rated_reason", "grades", "unreadable", "monthly_ratings"})

# the number ranges a kind of cell accepts, when its column names none (data validation in the workbook)
DEFAULT_BOUNDS = {NUMBER: (0, 12), COUNT: (0, 9999)}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    width: float
    role: str = INPUT
    kind: str = TEXT
    choices: str | None = None  # a key of LISTS
    help: str = ""  # one line on the instructions sheet; "{name}" stands for the rule set's parameter
    bounds: tuple[float | str, float | str] | None = None  # the range of a number, score or count; a str: a parameter
    formula: str | None = None  # computed: "{key}" stands for that column's cell in the same row
    read: bool = False  # computed, and read back by the server (the total is checked, S-SUM)
    summary: tuple[str, ...] = ()  # values the summary sheet counts in this column
    template: str | None = None  # the header as declared, "{name}" for a parameter's figure (filled in `header`)

    @property
    def is_identity(self) -> bool:
        return self.role == IDENTITY

    @property
    def is_input(self) -> bool:
        return self.role == INPUT

    @property
    def is_computed(self) -> bool:
        return self.role == COMPUTED

    @property
    def is_read(self) -> bool:
        """Its cells reach the row parser: inputs, and computed cells the server checks."""
        return self.role == INPUT or (self.role == COMPUTED and self.read)

    def range_under(self, rule_set: RuleSet) -> tuple[float, float] | None:
        """The number range the workbook accepts, a bound named by a parameter taken from `rule_set`."""
        bounds = self.bounds or DEFAULT_BOUNDS.get(self.kind)
        if bounds is None:
            return None
        return tuple(getattr(rule_set, bound) if isinstance(bound, str) else bound for bound in bounds)

    def help_under(self, rule_set: RuleSet) -> str:
        """The help line with the rule set's figures in place of its "{parameter}" names."""
        return parameter_text(self.help, rule_set)


def parameter_text(text: str, rule_set: RuleSet) -> str:
    """`text` with "{name}" replaced by the rule set's parameter `name`, a share ("..._share") as a percent."""
    return text.format_map(_Parameters(rule_set)) if "{" in text else text


class _Parameters(dict):
    def __init__(self, rule_set: RuleSet):
        super().__init__()
        self.rule_set = rule_set

    def __missing__(self, name: str) -> str:
        if name.endswith("_share"):
            return percent(self.rule_set.share(name))
        value = getattr(self.rule_set, name)
        text = getattr(value, "text", None)  # a term (the discipline threshold): its words, inside a sentence
        return text.lower() if isinstance(text, str) else str(value)


_FIGURE = "zzfigurezz"  # stands for a parameter's figure while a header template is normalised


def figures_of(template: str) -> tuple[str, ...]:
    """The parameters a header names ("{score_common_max}")."""
    return tuple(name for _, name, _, _ in Formatter().parse(template) if name)


@lru_cache(maxsize=256)
def header_pattern(template: str) -> re.Pattern:
    """A header as any figures would write it, normalised: a workbook issued before a parameter changed keeps its
    columns ("Điểm tiêu chí chung (tối đa 30)" still read when the maximum is now 40)."""
    shown = normalise_text(template.format_map(dict.fromkeys(figures_of(template), _FIGURE)))
    return re.compile(re.escape(shown).replace(_FIGURE, r"\d+(?:[.,]\d+)?\s?%?"))


@dataclass(frozen=True)
class SheetSpec:
    kind: SubjectKind
    name: str  # the tab
    title: str  # "DANH SÁCH ĐẢNG VIÊN", completed with the year in the sheet's title row
    columns: tuple[Column, ...]

    @property
    def code_column(self) -> Column:
        return next(column for column in self.columns if column.key == "code")

    @property
    def identity_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.is_identity)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.is_input)

    @property
    def label_columns(self) -> tuple[Column, ...]:
        """The columns that say whose row it is, from the first through the name (STT, code, name): what the
        preview keeps in view beside any cell of the row."""
        end = next(index for index, column in enumerate(self.columns) if column.key == "name")
        return self.columns[: end + 1]

    @cached_property
    def keys_by_header(self) -> dict[str, str]:
        """Column key by its header text, normalised: how a header row is matched."""
        return {normalise_text(column.header): column.key for column in self.columns}

    @cached_property
    def header_patterns(self) -> tuple[tuple[re.Pattern, str], ...]:
        """(pattern, key) of the headers that carry a parameter's figure, for a header the exact text misses."""
        return tuple((header_pattern(column.template), column.key) for column in self.columns if column.template)

    @property
    def read_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.is_read)

    def roster_fields(self) -> tuple[str, ...]:
        """Fields of the record that come from the roster (signed), shown or not."""
        inputs = {column.key for column in self.read_columns}
        return tuple(
            name for name in RECORD_TYPES[self.kind].__struct_fields__
            if name not in inputs and name not in _RATING_FIELDS
        )

    def formula_template(self, column: Column, parameters: object) -> str:
        """The column's formula for any row, "{row}" left in: a "{key}" of another column becomes its letter,
        any other name a parameter of the rule set (e.g. {band_htxsnv})."""
        return column.formula.format_map(_FormulaNames(self, parameters))

    def column_letter(self, key: str) -> str | None:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return column_letter(index + 1)
        return None


class _FormulaNames(dict):
    def __init__(self, spec: SheetSpec, parameters: object):
        super().__init__()
        self.spec, self.parameters = spec, parameters

    def __missing__(self, name: str) -> str:
        letter = self.spec.column_letter(name)
        if letter is not None:
            return f"${letter}{{row}}"
        return str(getattr(self.parameters, name))


def column_of(field: Field, kind: SubjectKind) -> Column:
    """A declared field's column on the sheet of `kind`."""
    if field.role == IDENTITY:  # shown as the roster has it: no dropdown, no range
        cell = field.cell if field.cell in (DATE, CODES) else TEXT
        return Column(field.name, field.header_of(kind), field.width_of(kind), IDENTITY, cell, help=field.help)
    return Column(
        field.name, field.header_of(kind), field.width_of(kind), field.role, field.cell,
        field.choices if field.cell == CHOICE else None, field.help, field.bounds, field.formula, field.read,
        field.summary,
    )


def _allowed_level() -> Column:
    """The level a score allows, kept live by the workbook (docs/rulebook-366.md §1)."""
    level_by_band = (
        '=IF({score_total}="","",IF({score_total}>={band_htxsnv},"%s",IF({score_total}>={band_httnv},"%s",'
        'IF({score_total}>={band_htnv},"%s","%s"))))' % tuple(text for text in LEVEL_CHOICES[:4])
    )
    return Column("allowed_level", "Mức tối đa theo tổng điểm", 20.0, COMPUTED, TEXT, formula=level_by_band,
                  help="Tự tính theo khung điểm: từ {band_htxsnv} HTXSNV, từ {band_httnv} HTTNV, từ {band_htnv} HTNV, "
                       "dưới {band_htnv} KHTNV. Mức còn phụ thuộc các điều kiện về nhiệm vụ: hệ thống kiểm tra khi "
                       "tải lên.")


# The workbook's own columns, beside the declared fields: the row number, the member's statuses as one text and
# the level a score allows.
WORKBOOK_COLUMNS = {
    "index": Column("index", "STT", 5.0, INDEX, NUMBER),
    "status": Column("status", "Tình trạng", 18.0, IDENTITY, TEXT),
    "allowed_level": _allowed_level(),
}

SHEET_NAMES = {kind: kind.sheet for kind in SubjectKind}
SHEET_TITLES = {kind: f"DANH SÁCH {kind.text.upper()}" for kind in SubjectKind}

# The layouts name columns by key, in sheet order: the heads (the roster, grey) come before the criteria's grade
# columns, the tails (what the unit fills) after them.
_RATING = ("level", "not_rated_reason")
_DISCIPLINE = ("disciplined_in_year", "discipline", "violation_counted_before")

_HEADS: dict[SubjectKind, tuple[str, ...]] = {
    SubjectKind.MEMBER: ("index", "code", "name", "birth_date", "cell_name", "admitted_on", "status", "post"),
    SubjectKind.ORGANISATION: ("index", "code", "name", "kind", "parent_code", "founded_on", "group"),
    SubjectKind.COLLECTIVE: ("index", "code", "name", "collective_type", "led_unit_code", "founded_on"),
    SubjectKind.LEADER: ("index", "code", "name", "post", "post_group", "heads", "party_member"),
}

_TAILS: dict[SubjectKind, tuple[str, ...]] = {
    SubjectKind.MEMBER: (
        *_RATING, "civil_rating", *_DISCIPLINE, "discipline_origin_elsewhere", "discipline_origin_unit",
        "targets_below_half", "sick_leave_months", "maternity_leave_months", "transfer_remarks_received",
        "temporary_remarks_received", "monthly_ratings", "remarks",
    ),
    SubjectKind.ORGANISATION: (
        *_RATING, *_DISCIPLINE, "self_remedied", "targets_below_half", "same_level_bodies_lowest", "remarks",
    ),
    SubjectKind.COLLECTIVE: (
        *_RATING, "led_unit_level", *_DISCIPLINE, "member_discipline", "targets_below_half", "main_target_missed",
        "force_majeure", "remarks",
    ),
    SubjectKind.LEADER: (
        *_RATING, "headed_unit_level", "moved_in_no_responsibility", *_DISCIPLINE, "targets_below_half",
        "corruption_under_leadership", "corruption_self_remedied", "remarks",
    ),
}

# docs/rulebook-366.md §1, §7: the two scores, the total and the band's level kept live, the task counts
_SCORE_BLOCK = (
    "score_common", "score_tasks", "score_total", "allowed_level", "tasks_assigned", "tasks_done", "tasks_on_time",
    "tasks_late", "tasks_exceeded", "shortcomings_pointed", "shortcomings_remedied",
)
_DISCIPLINE_366 = ("disciplined_in_year", "discipline", "violation_kind", "violation_counted_before")
_WAIVER_366 = ("self_detected", "force_majeure", "waiver_reason")

_TAILS_366: dict[SubjectKind, tuple[str, ...]] = {
    SubjectKind.MEMBER: (
        *_RATING, *_SCORE_BLOCK, *_DISCIPLINE_366, "degenerate", *_WAIVER_366, "civil_rating",
        "discipline_origin_elsewhere", "discipline_origin_unit", "transfer_remarks_received",
        "temporary_remarks_received", "quarterly_levels", "remarks",
    ),
    SubjectKind.ORGANISATION: (
        *_RATING, *_SCORE_BLOCK, *_DISCIPLINE_366, "self_remedied", "five_targets_missed", "subordinate_disciplined",
        "collective_wrongdoing", *_WAIVER_366, "quarterly_levels", "remarks",
    ),
    SubjectKind.COLLECTIVE: (
        *_RATING, *_SCORE_BLOCK, "led_unit_level", *_DISCIPLINE_366, "member_discipline", "five_targets_missed",
        "subordinate_disciplined", "collective_wrongdoing", "degenerate", *_WAIVER_366, "quarterly_levels", "remarks",
    ),
    SubjectKind.LEADER: (
        *_RATING, *_SCORE_BLOCK, "headed_unit_level", "moved_in_no_responsibility", *_DISCIPLINE_366, "degenerate",
        "five_targets_missed", "led_units_khtnv_majority", "low_confidence_majority", "corruption_under_leadership",
        "corruption_self_remedied", *_WAIVER_366, "quarterly_levels", "remarks",
    ),
}


# Layout 1 wrote these two headers with the other spelling; its workbooks are read with the headers they were issued with.
_QUOTA_FACTS_TI = (
    Column("quota_group", "Nhóm tính tỉ lệ (trống: theo quy định chung)", 16.0, IDENTITY, TEXT),
    Column("quota_outstanding", "Nhóm được cấp có thẩm quyền đánh giá nổi trội (tỉ lệ 25%)", 12.0, IDENTITY, TEXT),
)


@dataclass(frozen=True)
class Layout:
    """One version of a rule set's column set: heads (the roster) and tails (inputs), by key, per subject kind,
    each key a field of `registry` or one of the WORKBOOK_COLUMNS."""

    version: int
    heads: dict
    tails: dict
    registry: Registry = REGISTRY

    def columns(self, kind: SubjectKind, keys: tuple) -> tuple[Column, ...]:
        """A key's column from its declaration; a Column given in its place is a column as an older layout wrote it."""
        return tuple(key if isinstance(key, Column) else WORKBOOK_COLUMNS.get(key) or column_of(self.registry[key], kind)
                     for key in keys)


LAYOUTS: dict[str, dict[int, Layout]] = {
    "qd132-hd21": {1: Layout(1, _HEADS, _TAILS)},
    "qd366-hd43": {1: Layout(1, {kind: _HEADS[kind] + _QUOTA_FACTS_TI for kind in SubjectKind}, _TAILS_366),
                   2: Layout(2, {kind: _HEADS[kind] + ("quota_group", "quota_outstanding") for kind in SubjectKind},
                             _TAILS_366)},
}


def extended_layout(rule_set_id: str, kind: SubjectKind, *keys: str, registry: Registry | None = None) -> Layout:
    """The rule set's newest layout with the fields `keys` added to a kind's inputs, before the remarks, under the
    next version number (and with `registry` when the fields are declared in a derived one): register it in LAYOUTS
    and new workbooks carry the columns while issued ones keep theirs."""
    newest = layout_of(rule_set_id)
    tails = dict(newest.tails)
    current = tails[kind]
    at = current.index("remarks") if "remarks" in current else len(current)
    tails[kind] = current[:at] + keys + current[at:]
    return Layout(newest.version + 1, newest.heads, tails, registry or newest.registry)


def current_layout(rule_set_id: str) -> int:
    """The newest layout of the rule set: what a workbook issued now is written with."""
    return max(LAYOUTS.get(rule_set_id, {1: None}))


def layout_of(rule_set_id: str, version: int | None = None) -> Layout:
    """KeyError for a version this code does not know (a workbook from a newer server)."""
    layouts = LAYOUTS.get(rule_set_id) or LAYOUTS["qd132-hd21"]
    return layouts[version if version is not None else max(layouts)]


def sheet_specs(rule_set: RuleSet, layout: int | None = None) -> tuple[SheetSpec, ...]:
    """One sheet per subject kind, in the order of SubjectKind, with the columns of the rule set's layout
    (the newest when None); grade columns come from the rule set's criteria, and a header's "{parameter}" is the
    rule set's figure (docs/rulebook-366.md: every number is a parameter, the headers say the rule set's). Asked on
    every upload: kept per rule set and layout (a rule set is frozen; the memo holds both, so their ids stand for no
    others), since the key of `_specs` hashes every criterion."""
    chosen = layout_of(rule_set.id, layout)
    known = _SPECS_OF.get((id(rule_set), id(chosen)))
    if known is not None and known[0] is rule_set and known[1] is chosen:
        return known[2]
    version = chosen.version
    figures = tuple((name, parameter_text("{%s}" % name, rule_set)) for name in _header_figures(rule_set.id, version))
    specs = _specs(rule_set.id, version, tuple((kind, rule_set.criteria_of(kind)) for kind in SubjectKind), figures)
    _SPECS_OF.keep((id(rule_set), id(chosen)), (rule_set, chosen, specs))
    return specs


_SPECS_OF = bounded(32)  # (id of a rule set, id of a layout) → (the rule set, the layout, its sheet specs)


@lru_cache(maxsize=32)
def _header_figures(rule_set_id: str, version: int) -> tuple[str, ...]:
    layout = layout_of(rule_set_id, version)
    names = (name for kind in SubjectKind for column in layout.columns(kind, layout.heads[kind] + layout.tails[kind])
             for name in figures_of(column.header))
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=32)
def _specs(rule_set_id: str, version: int, criteria, figures) -> tuple[SheetSpec, ...]:
    layout = layout_of(rule_set_id, version)
    values = dict(figures)
    specs = []
    for kind, kind_criteria in criteria:
        _refuse_left_out(layout, rule_set_id, kind)
        grades = tuple(
            Column(criterion.field, f"{criterion.code}. {criterion.title}", 14.0, INPUT, CHOICE, "grades")
            for criterion in kind_criteria
        )
        heads, tails = (tuple(_with_figures(column, values) for column in layout.columns(kind, keys))
                        for keys in (layout.heads[kind], layout.tails[kind]))
        columns = heads + grades + tails
        specs.append(SheetSpec(kind, SHEET_NAMES[kind], SHEET_TITLES[kind], columns))
    return tuple(specs)


def _refuse_left_out(layout: Layout, rule_set_id: str, kind: SubjectKind) -> None:
    """A layout never carries an input the registry leaves out of the rule set (`Field.left_out`): the rule set
    decides on other facts, and a column of it would be read and ignored."""
    for key in layout.tails[kind]:
        item = layout.registry.get(key) if isinstance(key, str) else None
        if item is not None and not item.carried_by(rule_set_id, kind):
            raise ValueError(f"layout {layout.version} of {rule_set_id} carries {key}, which the registry leaves out "
                             f"of its {kind.name.lower()} sheet")


def _with_figures(column: Column, values: dict) -> Column:
    if not figures_of(column.header):
        return column
    return replace(column, header=column.header.format_map(values), template=column.header)
