"""Reading the audit log: who did what, when, filtered by unit, user and action, newest first."""
import json
from dataclasses import dataclass

from kdweb.domain import Role, UploadOutcome
from kdweb.extensions import db
from kdweb.models import AuditEvent, Unit, User

PAGE_SIZE = 50
MAX_PAGE = 10**6  # a larger page number overflows the database's OFFSET; no log is that long
ACTION_TEXTS = {
    "login": "Đăng nhập", "logout": "Đăng xuất", "template_downloaded": "Tải mẫu Excel",
    "upload_received": "Tải lên tệp", "upload_checked": "Kiểm tra tệp", "upload_identical": "Tải lên tệp trùng",
    "upload_check_failed": "Chưa kiểm tra được tệp", "upload_recheck": "Kiểm tra lại tệp",
    "submitted": "Nộp kết quả", "approved": "Duyệt", "returned": "Trả lại", "reopened": "Mở lại",
    "bulk_download_started": "Tải hàng loạt", "bulk_job_retried": "Chạy lại việc hàng loạt",
    "bulk_job_failed": "Việc hàng loạt thất bại", "demo_loaded": "Nạp dữ liệu mẫu",
    "account_created": "Tạo tài khoản", "account_updated": "Sửa tài khoản", "password_reset": "Cấp lại mật khẩu",
    "password_changed": "Đổi mật khẩu", "email_changed": "Đổi e-mail",
    "account_deactivated": "Khóa tài khoản", "account_activated": "Mở khóa tài khoản",
    "unit_created": "Tạo đơn vị", "unit_updated": "Sửa đơn vị", "unit_moved": "Chuyển đơn vị",
    "unit_deactivated": "Ngừng hoạt động đơn vị",
    "unit_activated": "Kích hoạt lại đơn vị", "cycle_created": "Tạo đợt", "cycle_updated": "Sửa đợt",
    "cycle_opened": "Mở đợt", "cycle_closed": "Đóng đợt", "roster_file_received": "Nhận tệp danh sách",
    "roster_imported": "Nhập danh sách đảng viên",
    "leader_post_holder_changed": "Đổi người giữ chức vụ lãnh đạo", "collective_renamed": "Đổi tên tập thể lãnh đạo",
    "leader_post_added": "Thêm chức vụ lãnh đạo", "leader_post_ended": "Bỏ chức vụ lãnh đạo khỏi đợt",
    "collective_added": "Thêm tập thể lãnh đạo", "collective_ended": "Bỏ tập thể lãnh đạo khỏi đợt",
    "quota_group_changed": "Đặt nhóm tính tỷ lệ", "quota_mark_added": "Đánh dấu nhóm nổi trội",
    "quota_mark_removed": "Bỏ đánh dấu nhóm nổi trội", "superior_updated": "Sửa thông tin cấp ủy cấp trên",
}
TARGET_TEXTS = {
    "Upload": "tệp tải lên", "Submission": "lần nộp", "Template": "mẫu", "BulkJob": "tải hàng loạt",
    "User": "tài khoản", "Unit": "đơn vị", "Cycle": "đợt", "RosterImport": "tệp danh sách", "Review": "ý kiến duyệt",
    "LeaderPost": "chức vụ lãnh đạo", "Collective": "tập thể lãnh đạo",
}
DETAIL_TEXTS = {
    "version": "phiên bản", "upload_version": "phiên bản", "size": "dung lượng (byte)", "sha256": "mã SHA-256",
    "filename": "tệp", "outcome": "kết quả", "errors": "lỗi", "warnings": "cảnh báo", "late": "nộp muộn",
    "comment": "ý kiến", "kind": "loại", "members": "đảng viên", "units": "đơn vị", "login": "tài khoản",
    "role": "vai trò", "year": "năm", "code": "mã", "changes": "thay đổi", "added": "thêm", "updated": "cập nhật",
    "unchanged": "không đổi", "identical_to": "giống tệp", "first_time": "lần đầu", "copied_from": "sao chép từ năm",
    "collectives": "tập thể", "leader_posts": "chức danh lãnh đạo", "unit_code": "mã đơn vị",
    "unit_rows": "đơn vị", "members_regrouped": "đảng viên chuyển nhóm", "status_moved": "chuyển trạng thái",
    "reason": "lý do", "resent": "gửi lại đúng tệp", "source": "từ", "email": "e-mail",
    "founding_dates_set": "ngày thành lập chi bộ được ghi", "title": "chức vụ", "before": "trước", "after": "sau",
}
VALUE_TEXTS = {True: "có", False: "không", **{outcome.code: outcome.text.lower() for outcome in UploadOutcome},
               **{role.code: role.text.lower() for role in Role},
               "templates": "mẫu Excel", "approved": "kết quả đã duyệt", "roster_import": "tệp danh sách đảng viên"}


@dataclass
class AuditFilters:
    unit: str = ""
    user: str = ""
    action: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "AuditFilters":
        return cls(unit=args.get("unit", "").strip(), user=args.get("user", "").strip(),
                   action=args.get("action", "").strip(),
                   page=min(max(1, args.get("page", 1, type=int) or 1), MAX_PAGE))


def events(filters: AuditFilters):
    query = (db.select(AuditEvent, User.login, User.full_name, Unit.code, Unit.name)
             .outerjoin(User, AuditEvent.user_id == User.id).outerjoin(Unit, AuditEvent.unit_id == Unit.id))
    if filters.unit:
        query = query.where(Unit.code == filters.unit)
    if filters.user:
        query = query.where(User.login == filters.user)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    rows = db.session.execute(query.limit(PAGE_SIZE + 1).offset((filters.page - 1) * PAGE_SIZE)).all()
    return [present(*row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def present(event, login, full_name, unit_code, unit_name) -> dict:
    detail = json.loads(event.detail) if event.detail else {}
    return {"at": event.at, "action": event.action, "action_text": ACTION_TEXTS.get(event.action, event.action),
            "login": login, "full_name": full_name, "unit_code": unit_code, "unit_name": unit_name,
            "target": f"{TARGET_TEXTS.get(event.target_type, event.target_type)} #{event.target_id}"
                      if event.target_type else "",
            "detail": ", ".join(f"{DETAIL_TEXTS.get(key, key)}: {value_text(value)}"
                                for key, value in detail.items() if value not in (None, ""))}


def value_text(value) -> str:
    if isinstance(value, (bool, str)) and value in VALUE_TEXTS:
        return VALUE_TEXTS[value]
    return str(value)


def known_actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())
