"""The words of the report: subject kinds, levels, reasons for "Không xếp loại", measures and bases."""
from __future__ import annotations

SUBJECT_KINDS = ("member", "organisation", "collective", "leader")
KIND_TEXTS = {
    "member": "Đảng viên",
    "organisation": "Tổ chức đảng",
    "collective": "Tập thể lãnh đạo, quản lý",
    "leader": "Cá nhân cán bộ lãnh đạo, quản lý",
}
# The group a subject's own quota is counted in (docs/rulebook.md §4 Q-20); members have none.
RATING_GROUP_TEXTS = {
    "organisation": "Nhóm có chức năng, nhiệm vụ tương đồng",
    "collective": "Loại tập thể lãnh đạo, quản lý",
    "leader": "Nhóm chức danh tương đương",
}

LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
# The score bands of a scored rule set (docs/rulebook-366.md §1): the level a total falls in, before the task conditions.
SCORE_BANDS = {level: f"Khung {level}" for level in LEVELS}
LEVEL_TEXTS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}

# "temporary" has its own column: the member is listed (not rated) where he or she is in temporary activity and
# rated at the chi bộ of official activity (docs/rulebook.md M-TEMPORARY), so it is a listing, not a missing rating.
REASONS = ("exempt", "suspended", "new", "temporary", "other")
_REASON_TEXTS = {
    "exempt": "Miễn công tác và sinh hoạt đảng",
    "suspended": "Đình chỉ sinh hoạt đảng",
    "new": "Mới kết nạp / mới thành lập chưa đủ 6 tháng",
    "temporary": "Khác: sinh hoạt tạm thời (xếp loại ở nơi sinh hoạt chính thức)",
    "other": "Lý do khác",
}
_NEW_TEXTS = {"member": "Mới kết nạp chưa đủ 6 tháng", "organisation": "Mới thành lập chưa đủ 6 tháng",
              "collective": "Mới thành lập chưa đủ 6 tháng"}

# Every number of a table row, in column order; each is also a drill-down filter.
MEASURES = ("roster", "rated", *LEVELS, "not_rated", *REASONS, "disciplined")
_MEASURE_TEXTS = {
    "roster": "Tổng số",
    "rated": "Số được đánh giá, xếp loại",
    **LEVEL_TEXTS,
    "not_rated": "Không xếp loại",
    "disciplined": "Trong đó bị kỷ luật",
}

BASES = {"approved": ("approved",), "submitted": ("submitted", "approved")}
DEFAULT_BASIS = "approved"
BASIS_TEXTS = {
    "approved": "Kết quả đã được Ban Tổ chức duyệt",
    "submitted": "Kết quả các đơn vị đã nộp (gồm cả chưa duyệt)",
}
# The workbook statuses' own words (kdweb/status.py, which this pure layer does not import): one vocabulary.
SUBMISSION_STATE_TEXTS = {"submitted": "Đã nộp, chờ duyệt", "returned": "Bị trả lại", "approved": "Đã duyệt"}

# A unit with no group of similar function is the district itself; its key must survive a query string.
NULL_GROUP = "~"
DISTRICT_GROUP_TEXT = "Cấp quận"
NO_RATING_GROUP_TEXT = "Chưa phân nhóm"


def group_key(group: str | None) -> str:
    return NULL_GROUP if group is None else group


def group_from_key(key: str) -> str | None:
    return None if key == NULL_GROUP else key


def group_label(group: str | None) -> str:
    return DISTRICT_GROUP_TEXT if group is None else group


def rating_group_label(group: str | None) -> str:
    return NO_RATING_GROUP_TEXT if group is None else group


def reason_label(reason: str, kind: str | None = None) -> str:
    if reason == "new" and kind in _NEW_TEXTS:
        return _NEW_TEXTS[kind]
    return _REASON_TEXTS[reason]


def measure_label(measure: str, kind: str | None = None) -> str:
    if measure in _REASON_TEXTS:
        return reason_label(measure, kind)
    return _MEASURE_TEXTS[measure]
