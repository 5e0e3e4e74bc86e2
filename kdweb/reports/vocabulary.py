"""The report's words, derived from `kdweb.domain`: subject kinds, levels and reasons by their codes (as the
database stores them), the measures of a row, and the bases a report is taken on."""
from __future__ import annotations

from kdweb.domain import NOT_RATED_TEXT, NOT_SUBMITTED_TEXT, Level, NotRatedReason, SubjectKind, UnitLevel, \
    WorkbookStatus

SUBJECT_KINDS = tuple(kind.code for kind in SubjectKind)
KIND_TEXTS = {kind.code: kind.text for kind in SubjectKind}
# The group a subject's own quota is counted in (docs/rulebook.md §4 Q-20); members have none.
RATING_GROUP_TEXTS = {kind.code: kind.group_text for kind in SubjectKind if kind.group_text}
# A unit's group in the report is the group of similar function its organisation is counted in.
UNIT_GROUP_TEXT = SubjectKind.ORGANISATION.group_text
MEMBER = SubjectKind.MEMBER.code

LEVELS = tuple(level.code for level in Level)
LEVEL_TEXTS = {level.code: level.text for level in Level}
# The score bands of a scored rule set (docs/rulebook-366.md §1): the level a total falls in, before the task conditions.
SCORE_BANDS = {level: f"Khung {level}" for level in LEVELS}

# "TEMPORARY" has its own column: the member is listed (not rated) where he or she is in temporary activity and
# rated at the chi bộ of official activity (docs/rulebook.md M-TEMPORARY), so it is a listing, not a missing rating.
REASONS = tuple(reason.code for reason in NotRatedReason)
OTHER_REASON = NotRatedReason.OTHER.code

# Every number of a table row, in column order; each is also a drill-down filter.
MEASURES = ("roster", "rated", *LEVELS, "not_rated", *REASONS, "disciplined")
_MEASURE_TEXTS = {
    "roster": "Tổng số",
    "rated": "Số được đánh giá, xếp loại",
    **LEVEL_TEXTS,
    "not_rated": NOT_RATED_TEXT,
    "disciplined": "Trong đó bị kỷ luật",
}

# The submission states (workbook status codes) each basis counts.
BASES = {"approved": (WorkbookStatus.APPROVED.code,),
         "submitted": (WorkbookStatus.SUBMITTED.code, WorkbookStatus.APPROVED.code)}
DEFAULT_BASIS = "approved"
BASIS_TEXTS = {
    "approved": "Kết quả đã được cấp trên duyệt",
    "submitted": "Kết quả các đơn vị đã nộp (gồm cả chưa duyệt)",
}

# A unit with no group of similar function is the district itself; its key must survive a query string.
NULL_GROUP = "~"
NO_RATING_GROUP_TEXT = "Chưa phân nhóm"


def state_text(state: str | None) -> str:
    """A submission's state (a workbook status code) in words; none is "Chưa nộp"."""
    return WorkbookStatus(state).text if state else NOT_SUBMITTED_TEXT


def group_key(group: str | None) -> str:
    return NULL_GROUP if group is None else group


def group_from_key(key: str) -> str | None:
    return None if key == NULL_GROUP else key


def group_label(group: str | None) -> str:
    return UnitLevel.DISTRICT.text if group is None else group


def rating_group_label(group: str | None) -> str:
    return NO_RATING_GROUP_TEXT if group is None else group


def reason_label(reason: str, kind: str | None = None) -> str:
    """The report's heading of a reason; the "new" one says kết nạp or thành lập when the kind is known."""
    found = NotRatedReason(reason)
    if found is NotRatedReason.NEW and kind is not None and SubjectKind(kind).new_text:
        return SubjectKind(kind).new_text
    return found.heading


def not_rated_label(reason: str | None, kind: str | None = None) -> str:
    """“Không xếp loại” with its reason as the report counts it (a reason it does not list counts as other)."""
    if not reason:
        return NOT_RATED_TEXT
    return f"{NOT_RATED_TEXT}: {reason_label(reason if reason in REASONS else OTHER_REASON, kind)}"


def measure_label(measure: str, kind: str | None = None) -> str:
    if measure in REASONS:
        return reason_label(measure, kind)
    return _MEASURE_TEXTS[measure]
