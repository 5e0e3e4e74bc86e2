"""The field registry of the workbook: each subject sheet's columns, declared once, per rule set and layout.

A column's `key` is the rules engine's raw-row key: a record field name, or "grade:<criterion code>"; the
record field's parser (kdweb.rules.rows, kdweb.rules.score_fields) reads it. One declaration gives the header,
who fills it (identity: pre-filled from the roster, locked and signed; input: the unit's; computed: a formula
the workbook keeps live), its dropdown list or number range, width, help text for the instructions sheet and
the values the summary sheet counts. Everything else (letters, validations, formulas, cell locations) is
computed from the declarations. Keys of the workbook's own: "index" (STT), "status" (the member's statuses as
one text) and "allowed_level" (the level a score allows, a formula).

The column set of a rule set is versioned (`LAYOUTS`): a workbook records the layout it was issued with in its
signed metadata and is read with those columns, so changing the columns never breaks a workbook in the field.
Recipe (docs/rules.md): a new input is a Column added to the rule set's newest layout under a new version; a
new record fact is one RecordField line in kdweb/rules/score_fields.py.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property, lru_cache

from openpyxl.utils import get_column_letter as column_letter  # 1 → A, 27 → AA; re-exported for the sheets

from kdweb.rules.labels import field_label
from kdweb.rules.parse import (
    CIVIL_RATING_CHOICES, DISCIPLINE_CHOICES, GRADE_CHOICES, LEVEL_CHOICES, REASON_CHOICES, YES_NO_CHOICES,
    normalise_text,
)
from kdweb.rules.records import RECORD_TYPES
from kdweb.rules.ruleset import RuleSet
from kdweb.rules.score_fields import VIOLATION_KINDS
from kdweb.rules.terms import SubjectKind

INDEX, IDENTITY, INPUT, COMPUTED = "index", "identity", "input", "computed"
TEXT, DATE, NUMBER, CHOICE, CODES, SCORE, COUNT = "text", "date", "number", "choice", "codes", "score", "count"

HEADER_ROW = 4  # 1-based rows of every subject sheet
FIRST_DATA_ROW = 5

LISTS: dict[str, tuple[str, ...]] = {
    "levels": LEVEL_CHOICES,
    "grades": GRADE_CHOICES,
    "yes_no": YES_NO_CHOICES,
    "disciplines": DISCIPLINE_CHOICES,
    "reasons": REASON_CHOICES,
    "civil_ratings": CIVIL_RATING_CHOICES,
    "unit_levels": LEVEL_CHOICES[:-1],
    "violations": VIOLATION_KINDS,
}
LIST_TITLES = {
    "levels": "Mức xếp loại",
    "grades": "Cấp độ tiêu chí",
    "yes_no": "Có/Không",
    "disciplines": "Hình thức kỷ luật",
    "reasons": "Lý do không xếp loại",
    "civil_ratings": "Xếp loại công chức, viên chức",
    "unit_levels": "Mức xếp loại của đơn vị",
    "violations": "Loại vi phạm",
}

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
    help: str = ""  # one line on the instructions sheet
    bounds: tuple[float, float] | None = None  # the range of a number, score or count
    formula: str | None = None  # computed: "{key}" stands for that column's cell in the same row
    read: bool = False  # computed, and read back by the server (the total is checked, S-SUM)
    summary: tuple[str, ...] = ()  # values the summary sheet counts in this column

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

    @property
    def range(self) -> tuple[float, float] | None:
        return self.bounds or DEFAULT_BOUNDS.get(self.kind)


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
    def label_columns(self) -> tuple[Column, ...]:
        """The columns that say whose row it is, from the first through the name (STT, code, name): what the
        preview keeps in view beside any cell of the row."""
        end = next(index for index, column in enumerate(self.columns) if column.key == "name")
        return self.columns[: end + 1]

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.is_input)

    @cached_property
    def keys_by_header(self) -> dict[str, str]:
        """Column key by its header text, normalised: how a header row is matched."""
        return {normalise_text(column.header): column.key for column in self.columns}

    @property
    def read_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.is_read)

    def roster_fields(self) -> tuple[str, ...]:
        """Fields of the record that come from the roster (signed), shown or not."""
        inputs = {column.key for column in self.read_columns}
        return tuple(
            item.name for item in fields(RECORD_TYPES[self.kind])
            if item.name not in inputs and item.name not in _RATING_FIELDS
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


def _id(key, header=None, width=14.0, kind=TEXT) -> Column:
    return Column(key, header or field_label(key), width, IDENTITY, kind)


def _in(key, header=None, width=12.0, kind=CHOICE, choices="yes_no", **more) -> Column:
    return Column(key, header or field_label(key), width, INPUT, kind, choices if kind == CHOICE else None, **more)


_INDEX = Column("index", "STT", 5.0, INDEX, NUMBER)
_RATING = (
    _in("level", "Mức xếp loại", 22.0, choices="levels"),
    _in("not_rated_reason", "Lý do không xếp loại", 22.0, choices="reasons"),
)
_DISCIPLINE = (
    _in("disciplined_in_year"),
    _in("discipline", width=12.0, choices="disciplines"),
    _in("violation_counted_before"),
)
_REMARKS = _in("remarks", "Ghi chú", 24.0, kind=TEXT)

_HEADS: dict[SubjectKind, tuple[Column, ...]] = {
    SubjectKind.MEMBER: (
        _INDEX,
        _id("code", "Mã đảng viên", 12.0),
        _id("name", "Họ và tên", 24.0),
        _id("birth_date", width=11.0, kind=DATE),
        _id("cell_name", width=20.0),
        _id("admitted_on", width=11.0, kind=DATE),
        _id("status", "Tình trạng", 18.0),
        _id("post", width=16.0),
    ),
    SubjectKind.ORGANISATION: (
        _INDEX,
        _id("code", "Mã tổ chức đảng", 12.0),
        _id("name", "Tên tổ chức đảng", 28.0),
        _id("kind", width=16.0),
        _id("parent_code", width=12.0),
        _id("founded_on", width=11.0, kind=DATE),
        _id("group", width=18.0),
    ),
    SubjectKind.COLLECTIVE: (
        _INDEX,
        _id("code", "Mã tập thể", 12.0),
        _id("name", "Tên tập thể lãnh đạo, quản lý", 28.0),
        _id("collective_type", width=18.0),
        _id("led_unit_code", width=14.0),
        _id("founded_on", width=11.0, kind=DATE),
    ),
    SubjectKind.LEADER: (
        _INDEX,
        _id("code", "Mã cán bộ", 12.0),
        _id("name", "Họ và tên", 24.0),
        _id("post", width=20.0),
        _id("post_group", width=16.0),
        _id("heads", width=16.0, kind=CODES),
        _id("party_member", width=9.0),
    ),
}

_TAILS: dict[SubjectKind, tuple[Column, ...]] = {
    SubjectKind.MEMBER: (
        *_RATING,
        _in("civil_rating", "Xếp loại công chức, viên chức trong năm", 20.0, choices="civil_ratings"),
        *_DISCIPLINE,
        _in("discipline_origin_elsewhere"),
        _in("discipline_origin_unit", width=14.0, kind=TEXT),
        _in("targets_below_half"),
        _in("sick_leave_months", width=10.0, kind=NUMBER),
        _in("maternity_leave_months", width=10.0, kind=NUMBER),
        _in("transfer_remarks_received", width=14.0),
        _in("temporary_remarks_received", width=14.0),
        _in("monthly_ratings", "Xếp loại hằng tháng (nếu có; các tháng cách nhau dấu phẩy)", 24.0, kind=TEXT),
        _REMARKS,
    ),
    SubjectKind.ORGANISATION: (
        *_RATING,
        *_DISCIPLINE,
        _in("self_remedied"),
        _in("targets_below_half"),
        _in("same_level_bodies_lowest", width=20.0, choices="unit_levels"),
        _REMARKS,
    ),
    SubjectKind.COLLECTIVE: (
        *_RATING,
        _in("led_unit_level", width=20.0, choices="unit_levels"),
        *_DISCIPLINE,
        _in("member_discipline", width=16.0, choices="disciplines"),
        _in("targets_below_half"),
        _in("main_target_missed"),
        _in("force_majeure"),
        _REMARKS,
    ),
    SubjectKind.LEADER: (
        *_RATING,
        _in("headed_unit_level", width=20.0, choices="unit_levels"),
        _in("moved_in_no_responsibility", width=14.0),
        *_DISCIPLINE,
        _in("targets_below_half"),
        _in("corruption_under_leadership", width=14.0),
        _in("corruption_self_remedied", width=14.0),
        _REMARKS,
    ),
}

SHEET_NAMES = {kind: kind.sheet for kind in SubjectKind}
SHEET_TITLES = {kind: f"DANH SÁCH {kind.text.upper()}" for kind in SubjectKind}


def _score_block() -> tuple[Column, ...]:
    """docs/rulebook-366.md §1, §7: the two scores, the total and the band's level kept live, the task counts."""
    level_by_band = (
        '=IF({score_total}="","",IF({score_total}>={band_htxsnv},"%s",IF({score_total}>={band_httnv},"%s",'
        'IF({score_total}>={band_htnv},"%s","%s"))))' % tuple(text for text in LEVEL_CHOICES[:4])
    )
    count_help = "Số nguyên, không lớn hơn số nhiệm vụ được giao."
    return (
        _in("score_common", width=10.0, kind=SCORE, bounds=(0, 30),
            help="Điểm các tiêu chí chung, từ 0 đến 30; được ghi hai chữ số thập phân, dấu phẩy hoặc dấu chấm."),
        _in("score_tasks", width=10.0, kind=SCORE, bounds=(0, 70),
            help="Điểm kết quả thực hiện chức trách, nhiệm vụ được giao, từ 0 đến 70."),
        Column("score_total", "Tổng điểm", 9.0, COMPUTED, SCORE, read=True,
               formula='=IF(OR({score_common}="",{score_tasks}=""),"",IFERROR({score_common}+{score_tasks},""))',
               help="Tự tính: điểm tiêu chí chung cộng điểm kết quả thực hiện nhiệm vụ; không sửa."),
        Column("allowed_level", "Mức tối đa theo tổng điểm", 20.0, COMPUTED, TEXT, formula=level_by_band,
               help="Tự tính theo khung điểm: từ 90 HTXSNV, từ 70 HTTNV, từ 50 HTNV, dưới 50 KHTNV. Mức "
                    "còn phụ thuộc các điều kiện về nhiệm vụ: hệ thống kiểm tra khi tải lên."),
        _in("tasks_assigned", width=10.0, kind=COUNT, help="Tổng số nhiệm vụ được giao trong năm."),
        _in("tasks_done", width=10.0, kind=COUNT, help="Bằng số đúng tiến độ cộng số chậm tiến độ. " + count_help),
        _in("tasks_on_time", width=11.0, kind=COUNT, help=count_help),
        _in("tasks_late", width=10.0, kind=COUNT, help=count_help),
        _in("tasks_exceeded", width=10.0, kind=COUNT, help="HTXSNV cần ít nhất 30% nhiệm vụ vượt mức. " + count_help),
        _in("shortcomings_pointed", width=11.0, kind=COUNT, help="Để trống nếu năm trước không có."),
        _in("shortcomings_remedied", width=11.0, kind=COUNT, help="HTXSNV cần khắc phục hết."),
    )


_DISCIPLINE_366 = (
    _in("disciplined_in_year"),
    _in("discipline", width=12.0, choices="disciplines"),
    _in("violation_kind", width=20.0, choices="violations",
        help="Từ khiển trách trở lên do vi phạm liên quan đến nhiệm vụ, điều không được làm hoặc trách nhiệm "
             "nêu gương thì xếp loại không hoàn thành nhiệm vụ."),
    _in("violation_counted_before"),
)
_WAIVER_366 = (
    _in("self_detected", width=14.0),
    _in("force_majeure", width=12.0),
    _in("waiver_reason", width=24.0, kind=TEXT,
        help="Bắt buộc khi chọn tự phát hiện, khắc phục hoặc bất khả kháng; cấp có thẩm quyền xem xét, quyết định."),
)
_QUARTERS = _in("quarterly_levels", width=20.0, kind=TEXT,
                help="Nếu có xếp loại hằng quý: các mức cách nhau dấu phẩy, ví dụ HTTNV, HTTNV, HTXSNV, HTTNV.")
_QUOTA_FACTS = (
    _id("quota_group", "Nhóm tính tỷ lệ (trống: theo quy định chung)", 16.0),
    _id("quota_outstanding", width=12.0),
)
# Layout 1 wrote these two headers with the other spelling; its workbooks are read with the headers they were issued with.
_QUOTA_FACTS_TI = (
    _id("quota_group", "Nhóm tính tỉ lệ (trống: theo quy định chung)", 16.0),
    _id("quota_outstanding", "Nhóm được cấp có thẩm quyền đánh giá nổi trội (tỉ lệ 25%)", 12.0),
)

_TAILS_366: dict[SubjectKind, tuple[Column, ...]] = {
    SubjectKind.MEMBER: (
        *_RATING, *_score_block(), *_DISCIPLINE_366, _in("degenerate", width=14.0), *_WAIVER_366,
        _in("civil_rating", "Xếp loại công chức, viên chức trong năm", 20.0, choices="civil_ratings"),
        _in("discipline_origin_elsewhere"),
        _in("discipline_origin_unit", width=14.0, kind=TEXT),
        _in("transfer_remarks_received", width=14.0),
        _in("temporary_remarks_received", width=14.0),
        _QUARTERS, _REMARKS,
    ),
    SubjectKind.ORGANISATION: (
        *_RATING, *_score_block(), *_DISCIPLINE_366, _in("self_remedied"), _in("five_targets_missed", width=14.0),
        _in("subordinate_disciplined", width=16.0), _in("collective_wrongdoing", width=16.0), *_WAIVER_366,
        _QUARTERS, _REMARKS,
    ),
    SubjectKind.COLLECTIVE: (
        *_RATING, *_score_block(), _in("led_unit_level", width=20.0, choices="unit_levels"), *_DISCIPLINE_366,
        _in("member_discipline", width=16.0, choices="disciplines"), _in("five_targets_missed", width=14.0),
        _in("subordinate_disciplined", width=16.0), _in("collective_wrongdoing", width=16.0),
        _in("degenerate", width=14.0), *_WAIVER_366, _QUARTERS, _REMARKS,
    ),
    SubjectKind.LEADER: (
        *_RATING, *_score_block(), _in("headed_unit_level", width=20.0, choices="unit_levels"),
        _in("moved_in_no_responsibility", width=14.0), *_DISCIPLINE_366, _in("degenerate", width=14.0),
        _in("five_targets_missed", width=14.0), _in("led_units_khtnv_majority", width=14.0),
        _in("low_confidence_majority", width=14.0), _in("corruption_under_leadership", width=14.0),
        _in("corruption_self_remedied", width=14.0), *_WAIVER_366, _QUARTERS, _REMARKS,
    ),
}


@dataclass(frozen=True)
class Layout:
    """One version of a rule set's column set: heads (identity) and tails (inputs), per subject kind."""

    version: int
    heads: dict
    tails: dict


LAYOUTS: dict[str, dict[int, Layout]] = {
    "qd132-hd21": {1: Layout(1, _HEADS, _TAILS)},
    "qd366-hd43": {1: Layout(1, {kind: _HEADS[kind] + _QUOTA_FACTS_TI for kind in SubjectKind}, _TAILS_366),
                   2: Layout(2, {kind: _HEADS[kind] + _QUOTA_FACTS for kind in SubjectKind}, _TAILS_366)},
}


def extended_layout(rule_set_id: str, kind: SubjectKind, *columns: Column) -> Layout:
    """The rule set's newest layout with `columns` added to a kind's inputs, before the remarks, under the next
    version number: register it in LAYOUTS and new workbooks carry the columns while issued ones keep theirs."""
    newest = layout_of(rule_set_id)
    tails = dict(newest.tails)
    current = tails[kind]
    at = next((index for index, column in enumerate(current) if column.key == "remarks"), len(current))
    tails[kind] = current[:at] + columns + current[at:]
    return Layout(newest.version + 1, newest.heads, tails)


def current_layout(rule_set_id: str) -> int:
    """The newest layout of the rule set: what a workbook issued now is written with."""
    return max(LAYOUTS.get(rule_set_id, {1: None}))


def layout_of(rule_set_id: str, version: int | None = None) -> Layout:
    """KeyError for a version this code does not know (a workbook from a newer server)."""
    layouts = LAYOUTS.get(rule_set_id) or LAYOUTS["qd132-hd21"]
    return layouts[version if version is not None else max(layouts)]


def sheet_specs(rule_set: RuleSet, layout: int | None = None) -> tuple[SheetSpec, ...]:
    """One sheet per subject kind, in the order of SubjectKind, with the columns of the rule set's layout
    (the newest when None); grade columns come from the rule set's criteria."""
    version = layout_of(rule_set.id, layout).version
    return _specs(rule_set.id, version, tuple((kind, rule_set.criteria_of(kind)) for kind in SubjectKind))


@lru_cache(maxsize=32)
def _specs(rule_set_id: str, version: int, criteria) -> tuple[SheetSpec, ...]:
    layout = layout_of(rule_set_id, version)
    specs = []
    for kind, kind_criteria in criteria:
        grades = tuple(
            Column(criterion.field, f"{criterion.code}. {criterion.title}", 14.0, INPUT, CHOICE, "grades")
            for criterion in kind_criteria
        )
        columns = layout.heads[kind] + grades + layout.tails[kind]
        specs.append(SheetSpec(kind, SHEET_NAMES[kind], SHEET_TITLES[kind], columns))
    return tuple(specs)
