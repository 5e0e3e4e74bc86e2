"""The columns of each subject sheet: header, record field key, who fills it, and its allowed values.

A column's `key` is the rules engine's raw-row key: a record field name, or "grade:<criterion code>".
Identity columns are pre-filled from the roster, locked and signed; input columns are the unit's to fill.
Two keys are the workbook's own: "index" (STT) and "status" (the member's statuses, shown as one text).
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
from kdweb.rules.terms import SubjectKind

INDEX, IDENTITY, INPUT = "index", "identity", "input"
TEXT, DATE, NUMBER, CHOICE, CODES = "text", "date", "number", "choice", "codes"

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
}
LIST_TITLES = {
    "levels": "Mức xếp loại",
    "grades": "Cấp độ tiêu chí",
    "yes_no": "Có/Không",
    "disciplines": "Hình thức kỷ luật",
    "reasons": "Lý do không xếp loại",
    "civil_ratings": "Xếp loại công chức, viên chức",
    "unit_levels": "Mức xếp loại của đơn vị",
}

# Record fields that are never roster facts: the rating itself and the reader's own bookkeeping.
_RATING_FIELDS = frozenset({"level", "not_rated", "not_rated_reason", "grades", "unreadable", "monthly_ratings"})


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    width: float
    role: str = INPUT
    kind: str = TEXT
    choices: str | None = None  # a key of LISTS

    @property
    def is_identity(self) -> bool:
        return self.role == IDENTITY

    @property
    def is_input(self) -> bool:
        return self.role == INPUT


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

    @cached_property
    def keys_by_header(self) -> dict[str, str]:
        """Column key by its header text, normalised: how a header row is matched."""
        return {normalise_text(column.header): column.key for column in self.columns}

    def roster_fields(self) -> tuple[str, ...]:
        """Fields of the record that come from the roster (signed), shown or not."""
        inputs = {column.key for column in self.input_columns}
        return tuple(
            item.name for item in fields(RECORD_TYPES[self.kind])
            if item.name not in inputs and item.name not in _RATING_FIELDS
        )

    def column_letter(self, key: str) -> str | None:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return column_letter(index + 1)
        return None


def _id(key, header=None, width=14.0, kind=TEXT) -> Column:
    return Column(key, header or field_label(key), width, IDENTITY, kind)


def _in(key, header=None, width=12.0, kind=CHOICE, choices="yes_no") -> Column:
    return Column(key, header or field_label(key), width, INPUT, kind, choices if kind == CHOICE else None)


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

SHEET_NAMES = {
    SubjectKind.MEMBER: "Đảng viên",
    SubjectKind.ORGANISATION: "Tổ chức đảng",
    SubjectKind.COLLECTIVE: "Tập thể lãnh đạo, quản lý",
    SubjectKind.LEADER: "Cán bộ lãnh đạo, quản lý",
}
SHEET_TITLES = {
    SubjectKind.MEMBER: "DANH SÁCH ĐẢNG VIÊN",
    SubjectKind.ORGANISATION: "DANH SÁCH TỔ CHỨC ĐẢNG",
    SubjectKind.COLLECTIVE: "DANH SÁCH TẬP THỂ LÃNH ĐẠO, QUẢN LÝ",
    SubjectKind.LEADER: "DANH SÁCH CÁ NHÂN CÁN BỘ LÃNH ĐẠO, QUẢN LÝ",
}


def sheet_specs(rule_set: RuleSet) -> tuple[SheetSpec, ...]:
    """One sheet per subject kind, in the order of SubjectKind; grade columns come from the rule set."""
    return _specs(rule_set.id, tuple((kind, rule_set.criteria_of(kind)) for kind in SubjectKind))


@lru_cache(maxsize=16)
def _specs(rule_set_id: str, criteria) -> tuple[SheetSpec, ...]:
    specs = []
    for kind, kind_criteria in criteria:
        grades = tuple(
            Column(criterion.field, f"{criterion.code}. {criterion.title}", 14.0, INPUT, CHOICE, "grades")
            for criterion in kind_criteria
        )
        columns = _HEADS[kind] + grades + _TAILS[kind]
        specs.append(SheetSpec(kind, SHEET_NAMES[kind], SHEET_TITLES[kind], columns))
    return tuple(specs)
