"""A rule set's parameters as people read them: a Vietnamese label, the value, and whether the reading is
UNCONFIRMED (docs/rulebook.md, docs/rulebook-366.md §6): shown on the cycle's admin page so nobody takes a guess for the text."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .ruleset import SUBGROUP_MAXIMA_UNREAD, RuleSet

_COMMON = (
    ("quota_share", "Tỷ lệ HTXSNV tối đa trên số HTTNV (Q-20)", "percent"),
    ("quota_base", "Cơ sở tính tỷ lệ", "text"),
    ("quota_scope", "Phạm vi tính tỷ lệ theo loại đối tượng", "mapping"),
    ("quota_severity", "Mức độ của vượt tỷ lệ theo loại đối tượng", "mapping"),
    ("new_subject_months", "Mới kết nạp/mới thành lập: dưới số tháng", "number"),
)
_SEED = (
    ("small_group_threshold", "Nhóm nhỏ (Q-SMALL): dưới số HTTNV", "number"),
    ("small_group_allowance", "Nhóm nhỏ: số HTXSNV được chọn", "number"),
    ("sick_leave_months", "Nghỉ ốm từ số tháng (M-SICK)", "number"),
    ("org_htxsnv_share", "Tổ chức đảng HTXSNV: tỷ lệ trực thuộc từ HTTNV (O-HTXSNV)", "percent"),
    ("collective_member_discipline", "Tập thể: kỷ luật thành viên từ hình thức (C-DISCIPLINE)", "text"),
    ("rule:O-HTTNV", "Tổ chức đảng HTTNV: điều kiện về kết quả của cấp dưới (O-HTTNV)", "on"),
    ("org_httnv_floor_share", "O-HTTNV: tỷ lệ trực thuộc từ HTNV trở lên", "percent"),
)
_SCORED = (
    ("score_common_max", "Điểm tiêu chí chung tối đa", "number"),
    ("score_tasks_max", "Điểm kết quả thực hiện nhiệm vụ tối đa", "number"),
    ("score_subgroup_maxima", "Điểm tối đa của từng nhóm tiêu chí", "mapping"),
    ("band_htxsnv", "Khung HTXSNV: từ số điểm", "number"),
    ("band_httnv", "Khung HTTNV: từ số điểm", "number"),
    ("band_htnv", "Khung HTNV: từ số điểm", "number"),
    ("band_mode", "Không đạt điều kiện của khung: xuống mức thấp hơn đạt điều kiện", "text"),
    ("htxsnv_on_time_share", "HTXSNV: nhiệm vụ đúng tiến độ", "percent"),
    ("htxsnv_exceeded_share", "HTXSNV: nhiệm vụ vượt mức, ít nhất", "percent"),
    ("htxsnv_remedied_share", "HTXSNV: hạn chế, khuyết điểm đã khắc phục", "percent"),
    ("httnv_on_time_share", "HTTNV: nhiệm vụ đúng tiến độ, bảo đảm chất lượng", "percent"),
    ("htnv_done_share", "HTNV: nhiệm vụ hoàn thành", "percent"),
    ("htnv_late_share", "HTNV: nhiệm vụ chậm tiến độ, tối đa", "percent"),
    ("khtnv_failed_share", "KHTNV khi không hoàn thành trên", "percent"),
    ("khtnv_unit_done_share", "KHTNV khi đơn vị hoàn thành dưới", "percent"),
    ("khtnv_led_units_share", "KHTNV khi đơn vị thuộc quyền xếp loại KHTNV trên", "percent"),
    ("khtnv_low_confidence_share", "KHTNV khi phiếu tín nhiệm thấp trên", "percent"),
    ("discipline_threshold", "KHTNV khi bị kỷ luật từ hình thức", "text"),
    ("quota_outstanding_share", "Tỷ lệ tối đa của nhóm nổi trội (Q-25)", "percent"),
    ("quarter_gap", "P-QUARTER: mức năm cao hơn quý quá số bậc", "number"),
)
# Open points that are whole rules rather than numbers (docs/rulebook-366.md §3, §6): whether a rule applies, and
# how severe it is, named "rule:<code>" / "severity:<code>" and read from the rule set itself.
_RULES = (
    ("rule:C-UNIT", "Tập thể lãnh đạo không xếp cao hơn tổ chức đảng mình lãnh đạo (C-UNIT) là giới hạn cứng", "on"),
    ("rule:L-HEAD", "Người đứng đầu không xếp cao hơn tập thể, đơn vị mình đứng đầu (L-HEAD, X-HEAD) là giới hạn cứng",
     "on"),
    ("severity:M-CIVIL", "Đảng viên là công chức xếp cao hơn kết quả xếp loại công chức (M-CIVIL)", "severity"),
    ("rule:O-NEW", "Tổ chức đảng mới thành lập chưa đủ số tháng thì không xếp loại (O-NEW)", "on"),
)


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    value: str
    unconfirmed: bool


def describe(rule_set: RuleSet) -> list[Parameter]:
    """Every parameter the rule set reads, and every UNCONFIRMED one even where its rule is off (said so)."""
    unconfirmed = set(rule_set.unconfirmed)
    rows = _COMMON + (_SCORED if rule_set.scored else _SEED)
    shown = {name for name, _, _ in rows}
    rows += tuple(row for row in _SEED + _RULES if row[0] in unconfirmed and row[0] not in shown)
    return [Parameter(name, label, _value(rule_set, name, shape), name in unconfirmed) for name, label, shape in rows]


_OFF_WHEN = {"org_htxsnv_share": "O-HTXSNV", "small_group_threshold": "Q-SMALL", "small_group_allowance": "Q-SMALL",
             "org_httnv_floor_share": "O-HTTNV"}


def _value(rule_set: RuleSet, name: str, shape: str) -> str:
    if shape == "on":
        return "Áp dụng" if rule_set.is_on(name.partition(":")[2]) else "Không áp dụng"
    if shape == "severity":
        code = name.partition(":")[2]
        if not rule_set.is_on(code):
            return "Không áp dụng"
        return "Lỗi (chặn nộp)" if rule_set.severity(code).value == "error" else "Cảnh báo"
    if name == "score_subgroup_maxima":  # refused when set (ruleset.unread_values): say what is checked instead
        return "Chưa dùng: " + SUBGROUP_MAXIMA_UNREAD.format(common=rule_set.score_common_max,
                                                           tasks=rule_set.score_tasks_max) + "."
    text = _text(getattr(rule_set, name), shape)
    rule = _OFF_WHEN.get(name)
    return f"{text} ({rule} không áp dụng)" if rule and not rule_set.is_on(rule) else text


def switched_off(rule_set: RuleSet) -> list[str]:
    return sorted(rule_set.disabled)


def _text(value, shape: str) -> str:
    if shape == "percent":
        return f"{float(value) * 100:g}%".replace(".", ",")
    if shape == "mapping":
        if not value:
            return "(không đặt)"
        return "; ".join(f"{getattr(key, 'text', key)}: {_plain(item)}" for key, item in value.items())
    return _plain(value)


_WORDS = {"unit": "trong từng đơn vị", "district": "chung toàn cấp trên",
          "floor": "xuống mức thấp hơn đạt điều kiện (cách duy nhất đã cài đặt)",
          "HTTNV": "số HTTNV", "HTTNV_AND_BETTER": "số HTTNV trở lên"}


def _plain(value) -> str:
    if isinstance(value, Enum) and isinstance(value.value, str) and value.value in _WORDS:
        return _WORDS[value.value]
    if isinstance(value, str):
        return _WORDS.get(value, value)
    if isinstance(value, Enum):
        return getattr(value, "text", None) if isinstance(getattr(value, "text", None), str) else str(value.value)
    return str(value)
