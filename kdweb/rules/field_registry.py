"""The field registry: every field of every subject kind, declared once, for both rule sets.

A declaration says what the field is (its name, Vietnamese label, parser, type and default, the kinds that carry
it), who fills it (a roster fact, signed and locked in the workbook; an input the unit fills; or a value the
workbook computes) and how its column looks (cell kind, dropdown list, width, help text, range, the values the
summary sheet counts). From it come the record classes' fields (`with_fields`), the row parser
(kdweb.rules.rows), the labels of messages (kdweb.rules.labels) and the workbook's columns (kdweb.excel.columns:
a rule set's layout only names the keys, in order). A new field is one `Field` here and its key in a layout.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from .parse import (
    CIVIL_RATING_CHOICES, DISCIPLINE_CHOICES, GRADE_CHOICES, LEVEL_CHOICES, REASON_CHOICES, YES_NO_CHOICES, Parsed,
    display_text, parse_civil_rating, parse_code, parse_codes, parse_date, parse_discipline, parse_level,
    parse_months, parse_not_rated_reason, parse_org_kind, parse_yes_no,
)
from .score_fields import VIOLATION_KINDS, parse_count, parse_levels, parse_score, parse_violation_kind
from .terms import NotRatedReason, SubjectKind

MEMBER, ORGANISATION, COLLECTIVE, LEADER = SubjectKind
ALL_KINDS = frozenset(SubjectKind)
BODIES = frozenset({ORGANISATION, COLLECTIVE})

# who fills a field's cell
IDENTITY, INPUT, COMPUTED = "identity", "input", "computed"
# how its column shows and checks a value
TEXT, DATE, NUMBER, CHOICE, CODES, SCORE, COUNT = "text", "date", "number", "choice", "codes", "score", "count"

# The dropdown lists, by key: their title on the lists sheet and their texts, in order.
CHOICE_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "levels": ("Mức xếp loại", LEVEL_CHOICES),
    "grades": ("Cấp độ tiêu chí", GRADE_CHOICES),
    "yes_no": ("Có/Không", YES_NO_CHOICES),
    "disciplines": ("Hình thức kỷ luật", DISCIPLINE_CHOICES),
    "reasons": ("Lý do không xếp loại", REASON_CHOICES),
    "civil_ratings": ("Xếp loại công chức, viên chức", CIVIL_RATING_CHOICES),
    "unit_levels": ("Mức xếp loại của đơn vị", LEVEL_CHOICES[:-1]),
    "violations": ("Loại vi phạm", VIOLATION_KINDS),
}


def read_text(value: object) -> Parsed:
    """Free text, as shown back to users (and checked for a legacy font)."""
    return Parsed(display_text(value))


PerKind = Mapping[SubjectKind, str]


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # the record's field and the raw row's key
    label: str  # in messages, and the column's header unless `header` says otherwise
    parser: Callable[[object], Parsed] | None  # None: read by the row parser from several cells (monthly ratings)
    annotation: str  # the record field's type
    default: object = None
    kinds: frozenset[SubjectKind] = ALL_KINDS
    role: str = INPUT  # IDENTITY (a roster fact), INPUT or COMPUTED
    cell: str = CHOICE  # TEXT, DATE, NUMBER, CHOICE, CODES, SCORE or COUNT
    choices: str | None = "yes_no"  # a key of CHOICE_LISTS: the dropdown of an input of cell CHOICE
    width: float | PerKind = 12.0
    header: str | PerKind | None = None  # "{name}" stands for the rule set's parameter (a figure the rule set sets)
    help: str = ""  # one line on the instructions sheet
    bounds: tuple[float | str, float | str] | None = None  # the range of a number, score or count; a str names the
    # rule set's parameter, as "{name}" does in `help` (every threshold is a parameter: docs/rulebook-366.md)
    formula: str | None = None  # computed: "{key}" stands for that column's cell in the same row
    read: bool = False  # computed, and read back by the server
    summary: tuple[str, ...] = ()  # values the summary sheet counts in this column
    own: bool = False  # differs from row to row: parsed for each row, not remembered
    left_out: frozenset[tuple[str, SubjectKind]] = frozenset()  # (rule set id, kind): an input that rule set's
    # sheet of that kind deliberately has no column for (the rule set decides on other facts); see `carried_by`

    def carried_by(self, rule_set_id: str, kind: SubjectKind) -> bool:
        """Whether the sheet of `kind` under the rule set has this field's column (its layouts say where)."""
        return kind in self.kinds and (rule_set_id, kind) not in self.left_out

    @property
    def is_text(self) -> bool:
        """Free text: checked for text typed in a legacy font."""
        return self.parser is read_text

    def header_of(self, kind: SubjectKind) -> str:
        return _of(self.header, kind) or self.label

    def width_of(self, kind: SubjectKind) -> float:
        return _of(self.width, kind)


def _of(value, kind: SubjectKind):
    return value.get(kind) if isinstance(value, Mapping) else value


def _fact(name, label, parser=read_text, annotation="str", default="", kinds=ALL_KINDS, cell=TEXT, width=12.0,
          **more) -> Field:
    return Field(name, label, parser, annotation, default, kinds, IDENTITY, cell, None, width, **more)


def _yes_no_fact(name, label, kinds, default=False, **more) -> Field:
    return _fact(name, label, parse_yes_no, "bool", default, kinds, **more)


def _yes_no(name, label, kinds=ALL_KINDS, width=12.0, **more) -> Field:
    return Field(name, label, parse_yes_no, "bool", False, kinds, width=width, **more)


def _choice(name, label, parser, annotation, choices, kinds=ALL_KINDS, width=12.0, **more) -> Field:
    return Field(name, label, parser, f"{annotation} | None", None, kinds, INPUT, CHOICE, choices, width, **more)


def _typed(name, label, parser, annotation, default, cell, kinds=ALL_KINDS, width=12.0, **more) -> Field:
    return Field(name, label, parser, annotation, default, kinds, INPUT, cell, None, width, **more)


def _score(name, label, width=10.0, **more) -> Field:
    return _typed(name, label, parse_score, "Decimal | None", None, SCORE, width=width, own=True,
                  left_out=SCORED_ONLY, **more)


def _count(name, label, width=10.0, help="") -> Field:
    return _typed(name, label, parse_count, "int | None", None, COUNT, width=width, own=True, help=help,
                  left_out=SCORED_ONLY)


# The rule sets (kdweb/rules/registry.py), by id: named here, not imported, since the rule sets import the records.
QD132, QD366 = "qd132-hd21", "qd366-hd43"


def not_under(rule_set_id: str, kinds=ALL_KINDS) -> frozenset[tuple[str, SubjectKind]]:
    """A `left_out` for these kinds' sheets under the rule set."""
    return frozenset((rule_set_id, kind) for kind in kinds)


# docs/rulebook-366.md: points, task counts and the S-KHTNV facts are 2025's; 2024 rates by criterion grades
SCORED_ONLY = not_under(QD132)
# docs/rulebook-366.md §3: under 366 the task counts replace "dưới 50% chỉ tiêu", M-SICK and O-HTXSNV are off,
# quarterly results replace the monthly ones
GRADED_ONLY = not_under(QD366)

_COUNT_HELP = "Số nguyên, không lớn hơn số nhiệm vụ được giao."
_KINDS_M, _KINDS_L, _KINDS_C, _KINDS_O = (frozenset({kind}) for kind in (MEMBER, LEADER, COLLECTIVE, ORGANISATION))

FIELDS: tuple[Field, ...] = (
    # roster facts: the roster's values, signed in the workbook, shown in grey locked columns when a layout shows them
    _fact("code", "Mã", parse_code, header={MEMBER: "Mã đảng viên", ORGANISATION: "Mã tổ chức đảng",
                                             COLLECTIVE: "Mã tập thể", LEADER: "Mã cán bộ"}, own=True),
    _fact("name", "Họ và tên / Tên", header={MEMBER: "Họ và tên", ORGANISATION: "Tên tổ chức đảng",
                                             COLLECTIVE: "Tên tập thể lãnh đạo, quản lý", LEADER: "Họ và tên"},
          width={MEMBER: 24.0, ORGANISATION: 28.0, COLLECTIVE: 28.0, LEADER: 24.0}, own=True),
    _fact("unit_code", "Mã đơn vị", parse_code),
    _fact("cell_code", "Mã chi bộ", parse_code, kinds=_KINDS_M),
    _fact("cell_name", "Chi bộ", kinds=_KINDS_M, width=20.0),
    _fact("birth_date", "Ngày sinh", parse_date, "date | None", None, _KINDS_M, DATE, 11.0),
    _yes_no_fact("probationary", "Đảng viên dự bị", _KINDS_M),
    _fact("admitted_on", "Ngày vào Đảng", parse_date, "date | None", None, _KINDS_M, DATE, 11.0),
    _yes_no_fact("exempt", NotRatedReason.EXEMPT.text, _KINDS_M),
    _yes_no_fact("suspended", NotRatedReason.SUSPENDED.text, _KINDS_M),
    _yes_no_fact("committee_suspended", "Đình chỉ sinh hoạt cấp ủy", _KINDS_M),
    _yes_no_fact("transferred_in", "Chuyển sinh hoạt đến trong năm", _KINDS_M),
    _fact("months_at_old_place", "Số tháng ở nơi cũ", parse_months, "float | None", None, _KINDS_M),
    _yes_no_fact("temporary_activity", "Sinh hoạt tạm thời tại đây", _KINDS_M),
    _yes_no_fact("temporary_activity_elsewhere", "Sinh hoạt tạm thời ở nơi khác", _KINDS_M),
    _yes_no_fact("is_civil_servant", "Cán bộ, công chức, viên chức", _KINDS_M),
    _fact("post", "Chức vụ", kinds=frozenset({MEMBER, LEADER}), width={MEMBER: 16.0, LEADER: 20.0}),
    _fact("kind", "Loại tổ chức đảng", parse_org_kind, "UnitKind | None", None, _KINDS_O, width=16.0),
    _fact("parent_code", "Mã tổ chức đảng cấp trên", parse_code, kinds=_KINDS_O),
    _fact("collective_type", COLLECTIVE.group_text, kinds=_KINDS_C, width=18.0),
    _fact("led_unit_code", "Mã tổ chức, cơ quan, đơn vị lãnh đạo", parse_code, kinds=_KINDS_C, width=14.0),
    _fact("founded_on", "Ngày thành lập", parse_date, "date | None", None, BODIES, DATE, 11.0),
    _fact("group", ORGANISATION.group_text, kinds=_KINDS_O, width=18.0),
    _fact("post_group", LEADER.group_text, kinds=_KINDS_L, width=16.0),
    _fact("heads", "Là người đứng đầu (mã tập thể, tổ chức, đơn vị)", parse_codes, "tuple[str, ...]", (), _KINDS_L,
          CODES, 16.0),
    _yes_no_fact("party_member", "Là đảng viên", _KINDS_L, default=True, width=9.0),
    _fact("quota_group", "Nhóm tính tỷ lệ", header="Nhóm tính tỷ lệ (trống: theo quy định chung)", width=16.0),
    _yes_no_fact("quota_outstanding", "Nhóm được cấp có thẩm quyền đánh giá nổi trội", ALL_KINDS,
                 header="Nhóm được cấp có thẩm quyền đánh giá nổi trội (tỷ lệ {quota_outstanding_share})"),

    # the rating
    _choice("level", "Mức xếp loại", parse_level, "Level", "levels", width=22.0),
    _choice("not_rated_reason", "Lý do không xếp loại", parse_not_rated_reason, "NotRatedReason", "reasons",
            width=22.0),
    _score("score_common", "Điểm tiêu chí chung", bounds=(0, "score_common_max"),
           header="Điểm tiêu chí chung (tối đa {score_common_max})",
           help="Điểm các tiêu chí chung, từ 0 đến {score_common_max}; được ghi hai chữ số thập phân, dấu phẩy hoặc "
                "dấu chấm."),
    _score("score_tasks", "Điểm kết quả thực hiện nhiệm vụ", bounds=(0, "score_tasks_max"),
           header="Điểm kết quả thực hiện nhiệm vụ (tối đa {score_tasks_max})",
           help="Điểm kết quả thực hiện chức trách, nhiệm vụ được giao, từ 0 đến {score_tasks_max}."),
    Field("score_total", "Tổng điểm", parse_score, "Decimal | None", None, role=COMPUTED, cell=SCORE, choices=None,
          width=9.0, read=True, own=True, left_out=SCORED_ONLY,
          formula='=IF(OR({score_common}="",{score_tasks}=""),"",IFERROR({score_common}+{score_tasks},""))',
          help="Tự tính: điểm tiêu chí chung cộng điểm kết quả thực hiện nhiệm vụ; không sửa."),
    _count("tasks_assigned", "Số nhiệm vụ được giao", help="Tổng số nhiệm vụ được giao trong năm."),
    _count("tasks_done", "Số nhiệm vụ hoàn thành", help="Bằng số đúng tiến độ cộng số chậm tiến độ. " + _COUNT_HELP),
    _count("tasks_on_time", "Số nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng", 11.0, _COUNT_HELP),
    _count("tasks_late", "Số nhiệm vụ hoàn thành chậm tiến độ", help=_COUNT_HELP),
    _count("tasks_exceeded", "Số nhiệm vụ hoàn thành vượt mức",
           help="HTXSNV cần ít nhất {htxsnv_exceeded_share} nhiệm vụ vượt mức. " + _COUNT_HELP),
    _count("shortcomings_pointed", "Số hạn chế, khuyết điểm được chỉ ra năm trước", 11.0,
           "Để trống nếu năm trước không có."),
    _count("shortcomings_remedied", "Số hạn chế, khuyết điểm đã khắc phục", 11.0,
           "HTXSNV cần khắc phục {htxsnv_remedied_share} số hạn chế, khuyết điểm được chỉ ra."),
    _choice("led_unit_level", "Mức xếp loại của tổ chức, cơ quan, đơn vị lãnh đạo", parse_civil_rating, "Level",
            "unit_levels", _KINDS_C, 20.0),
    _choice("headed_unit_level", "Mức xếp loại của cơ quan, đơn vị do mình đứng đầu", parse_civil_rating, "Level",
            "unit_levels", _KINDS_L, 20.0),
    _yes_no("moved_in_no_responsibility", "Mới chuyển đến, không liên quan đến kết quả của đơn vị", _KINDS_L, 14.0),

    # discipline
    _yes_no("disciplined_in_year", "Bị thi hành kỷ luật trong năm"),
    _choice("discipline", "Hình thức kỷ luật", parse_discipline, "Discipline", "disciplines"),
    _choice("violation_kind", "Loại vi phạm bị kỷ luật", parse_violation_kind, "str", "violations", width=20.0,
            help="Từ {discipline_threshold} trở lên do vi phạm liên quan đến nhiệm vụ, điều không được làm hoặc trách nhiệm "
                 "nêu gương thì xếp loại không hoàn thành nhiệm vụ.", left_out=SCORED_ONLY),
    _yes_no("violation_counted_before", "Vi phạm đã tính khi xếp loại năm trước"),
    _yes_no("discipline_origin_elsewhere", "Vi phạm xảy ra ở tổ chức đảng trước đây", _KINDS_M),
    _typed("discipline_origin_unit", "Mã tổ chức đảng nơi xảy ra vi phạm", parse_code, "str", "", TEXT, _KINDS_M, 14.0),
    _choice("member_discipline", "Hình thức kỷ luật cao nhất của thành viên trong năm", parse_discipline,
            "Discipline", "disciplines", _KINDS_C, 16.0),
    _yes_no("self_remedied", "Tự phát hiện và khắc phục vi phạm", _KINDS_O),

    # conditions of the level
    _yes_no("degenerate", "Có kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống", width=14.0,
            left_out=SCORED_ONLY | not_under(QD366, {ORGANISATION})),  # 366 §2: a person's, or a collective member's
    _yes_no("five_targets_missed", "Không hoàn thành 5 chỉ tiêu kinh tế - xã hội cơ bản",
            frozenset({LEADER, COLLECTIVE, ORGANISATION}), 14.0, left_out=SCORED_ONLY),
    _yes_no("led_units_khtnv_majority", "Đơn vị thuộc quyền xếp loại KHTNV vượt tỷ lệ", _KINDS_L, 14.0,
            header="Trên {khtnv_led_units_share} đơn vị thuộc quyền xếp loại KHTNV", left_out=SCORED_ONLY),
    _yes_no("low_confidence_majority", "Phiếu tín nhiệm thấp vượt tỷ lệ", _KINDS_L, 14.0,
            header="Trên {khtnv_low_confidence_share} phiếu tín nhiệm thấp", left_out=SCORED_ONLY),
    _yes_no("corruption_under_leadership", "Đơn vị, cá nhân thuộc quyền bị kỷ luật về tham nhũng", _KINDS_L, 14.0),
    _yes_no("corruption_self_remedied", "Đơn vị tự phát hiện và xử lý vụ tham nhũng", _KINDS_L, 14.0),
    _yes_no("subordinate_disciplined", "Có tổ chức trực thuộc hoặc thành viên tập thể lãnh đạo bị kỷ luật", BODIES,
            16.0, left_out=SCORED_ONLY),
    _yes_no("collective_wrongdoing", "Có kết luận sai phạm công tác cán bộ, mất đoàn kết, bè phái", BODIES, 16.0,
            left_out=SCORED_ONLY),
    _yes_no("targets_below_half", "Hoàn thành dưới 50% chỉ tiêu, nhiệm vụ", left_out=GRADED_ONLY),
    _yes_no("main_target_missed", "Không hoàn thành chỉ tiêu chủ yếu", _KINDS_C, left_out=GRADED_ONLY),
    _choice("civil_rating", "Xếp loại công chức, viên chức", parse_civil_rating, "Level", "civil_ratings", _KINDS_M,
            20.0, header="Xếp loại công chức, viên chức trong năm"),
    _choice("same_level_bodies_lowest", "Mức thấp nhất của chính quyền, MTTQ, đoàn thể cùng cấp", parse_civil_rating,
            "Level", "unit_levels", _KINDS_O, 20.0, left_out=GRADED_ONLY),
    _typed("sick_leave_months", "Số tháng nghỉ ốm", parse_months, "float", 0.0, NUMBER, _KINDS_M, 10.0,
           left_out=GRADED_ONLY),
    _typed("maternity_leave_months", "Số tháng nghỉ thai sản", parse_months, "float", 0.0, NUMBER, _KINDS_M, 10.0,
           left_out=GRADED_ONLY),
    _yes_no("transfer_remarks_received", "Đã có nhận xét của chi bộ nơi chuyển đi", _KINDS_M, 14.0),
    _yes_no("temporary_remarks_received", "Đã có nhận xét của chi bộ nơi sinh hoạt tạm thời", _KINDS_M, 14.0),
    _yes_no("self_detected", "Tự phát hiện, tự báo cáo và đã khắc phục", width=14.0, left_out=SCORED_ONLY),
    _yes_no("force_majeure", "Do nguyên nhân bất khả kháng", left_out=not_under(QD132, {MEMBER, ORGANISATION, LEADER})),
    _typed("waiver_reason", "Giải trình (tự phát hiện, khắc phục hoặc bất khả kháng)", read_text, "str", "", TEXT,
           width=24.0, own=True,
           help="Bắt buộc khi chọn tự phát hiện, khắc phục hoặc bất khả kháng; cấp có thẩm quyền xem xét, quyết định.",
           left_out=SCORED_ONLY),

    # periodic ratings and remarks
    _typed("monthly_ratings", "Xếp loại hằng tháng", None, "tuple[Level | None, ...]", (), TEXT, _KINDS_M, 24.0,
           header="Xếp loại hằng tháng (nếu có; các tháng cách nhau dấu phẩy)", left_out=GRADED_ONLY),
    _typed("quarterly_levels", "Xếp loại các quý (nếu có; cách nhau dấu phẩy)", parse_levels, "tuple[Level, ...]", (),
           TEXT, width=20.0,
           help="Nếu có xếp loại hằng quý: các mức cách nhau dấu phẩy, ví dụ HTTNV, HTTNV, HTXSNV, HTTNV.",
           left_out=SCORED_ONLY),
    _typed("remarks", "Ghi chú", read_text, "str", "", TEXT, width=24.0, own=True),
)


@dataclass(frozen=True, eq=False)  # one registry is equal to itself only: a cache key
class Registry:
    """The declared fields, by name; a derived registry (`declaring`) adds fields without touching this one."""

    fields: tuple[Field, ...]
    by_name: dict[str, Field] = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {item.name: item for item in self.fields})

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]

    def get(self, name: str) -> Field | None:
        return self.by_name.get(name)

    def of(self, kind: SubjectKind) -> tuple[Field, ...]:
        return tuple(item for item in self.fields if kind in item.kinds)

    def declaring(self, *declared: Field) -> Registry:
        """A derived registry with these fields too; one of an existing name replaces that declaration."""
        new = {item.name: item for item in declared}
        kept = tuple(new.pop(item.name, item) for item in self.fields)
        return Registry(kept + tuple(new.values()))


REGISTRY = Registry(FIELDS)


def with_fields(kind: SubjectKind, registry: Registry = REGISTRY):
    """A class decorator, applied before @dataclass: the declared fields of `kind` join the class's own, after
    them and before `unreadable` (which stays last), each with its default."""

    def add(cls):
        own = dict(cls.__dict__.get("__annotations__", {}))
        last = {"unreadable": own.pop("unreadable")} if "unreadable" in own else {}
        for item in registry.of(kind):
            if item.name in own:
                continue
            own[item.name] = item.annotation
            setattr(cls, item.name, item.default)
        cls.__annotations__ = {**own, **last}
        if last:  # re-set so that the class attribute order follows the annotations
            value = cls.__dict__["unreadable"]
            delattr(cls, "unreadable")
            cls.unreadable = value
        return cls

    return add
