"""Vietnamese names of the record fields, for messages and for the workbook's column headers."""
from __future__ import annotations

from .terms import NotRatedReason, SubjectKind

FIELD_LABELS: dict[str, str] = {
    "code": "Mã",
    "name": "Họ và tên / Tên",
    "unit_code": "Mã đơn vị",
    "cell_code": "Mã chi bộ",
    "cell_name": "Chi bộ",
    "birth_date": "Ngày sinh",
    "probationary": "Đảng viên dự bị",
    "admitted_on": "Ngày vào Đảng",
    "exempt": NotRatedReason.EXEMPT.text,
    "suspended": NotRatedReason.SUSPENDED.text,
    "committee_suspended": "Đình chỉ sinh hoạt cấp ủy",
    "transferred_in": "Chuyển sinh hoạt đến trong năm",
    "months_at_old_place": "Số tháng ở nơi cũ",
    "transfer_remarks_received": "Đã có nhận xét của chi bộ nơi chuyển đi",
    "temporary_activity": "Sinh hoạt tạm thời tại đây",
    "temporary_activity_elsewhere": "Sinh hoạt tạm thời ở nơi khác",
    "temporary_remarks_received": "Đã có nhận xét của chi bộ nơi sinh hoạt tạm thời",
    "is_civil_servant": "Cán bộ, công chức, viên chức",
    "post": "Chức vụ",
    "level": "Mức xếp loại",
    "not_rated_reason": "Lý do không xếp loại",
    "disciplined_in_year": "Bị thi hành kỷ luật trong năm",
    "discipline": "Hình thức kỷ luật",
    "violation_counted_before": "Vi phạm đã tính khi xếp loại năm trước",
    "discipline_origin_elsewhere": "Vi phạm xảy ra ở tổ chức đảng trước đây",
    "discipline_origin_unit": "Mã tổ chức đảng nơi xảy ra vi phạm",
    "civil_rating": "Xếp loại công chức, viên chức",
    "monthly_ratings": "Xếp loại hằng tháng",
    "targets_below_half": "Hoàn thành dưới 50% chỉ tiêu, nhiệm vụ",
    "sick_leave_months": "Số tháng nghỉ ốm",
    "maternity_leave_months": "Số tháng nghỉ thai sản",
    "remarks": "Ghi chú",
    "kind": "Loại tổ chức đảng",
    "parent_code": "Mã tổ chức đảng cấp trên",
    "founded_on": "Ngày thành lập",
    "group": SubjectKind.ORGANISATION.group_text,
    "self_remedied": "Tự phát hiện và khắc phục vi phạm",
    "same_level_bodies_lowest": "Mức thấp nhất của chính quyền, MTTQ, đoàn thể cùng cấp",
    "collective_type": SubjectKind.COLLECTIVE.group_text,
    "led_unit_code": "Mã tổ chức, cơ quan, đơn vị lãnh đạo",
    "led_unit_level": "Mức xếp loại của tổ chức, cơ quan, đơn vị lãnh đạo",
    "member_discipline": "Hình thức kỷ luật cao nhất của thành viên trong năm",
    "main_target_missed": "Không hoàn thành chỉ tiêu chủ yếu",
    "force_majeure": "Do nguyên nhân bất khả kháng",
    "post_group": SubjectKind.LEADER.group_text,
    "heads": "Là người đứng đầu (mã tập thể, tổ chức, đơn vị)",
    "headed_unit_level": "Mức xếp loại của cơ quan, đơn vị do mình đứng đầu",
    "moved_in_no_responsibility": "Mới chuyển đến, không liên quan đến kết quả của đơn vị",
    "party_member": "Là đảng viên",
    "corruption_under_leadership": "Đơn vị, cá nhân thuộc quyền bị kỷ luật về tham nhũng",
    "corruption_self_remedied": "Đơn vị tự phát hiện và xử lý vụ tham nhũng",
}


def _declared_labels() -> dict[str, str]:
    from .score_fields import SCORE_FIELDS  # declared with their parsers; imported late, they import the parsers

    return {item.name: item.label for item in SCORE_FIELDS if item.name not in FIELD_LABELS}


FIELD_LABELS.update(_declared_labels())


def field_label(field: str | None) -> str:
    if field is None:
        return ""
    if field.startswith("grade:"):
        return f"Cấp độ tiêu chí {field.removeprefix('grade:')}"
    if field.startswith("month:"):
        return f"Xếp loại tháng {field.removeprefix('month:')}"
    return FIELD_LABELS.get(field, field)
