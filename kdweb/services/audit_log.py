"""Reading the audit log: who did what, when, filtered by unit, user and action, newest first."""
import json
from dataclasses import dataclass

from kdweb.extensions import db
from kdweb.models import AuditEvent, Unit, User

PAGE_SIZE = 50
ACTION_TEXTS = {
    "login": "Đăng nhập", "logout": "Đăng xuất", "template_downloaded": "Tải mẫu Excel",
    "upload_received": "Tải lên tệp", "upload_checked": "Kiểm tra tệp", "upload_identical": "Tải lên tệp trùng",
    "submitted": "Nộp kết quả", "approved": "Duyệt", "returned": "Trả lại", "reopened": "Mở lại",
    "bulk_download_started": "Tải hàng loạt", "demo_loaded": "Nạp dữ liệu mẫu",
}


@dataclass
class AuditFilters:
    unit: str = ""
    user: str = ""
    action: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "AuditFilters":
        return cls(unit=args.get("unit", "").strip(), user=args.get("user", "").strip(),
                   action=args.get("action", "").strip(), page=max(1, args.get("page", 1, type=int) or 1))


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
            "target": f"{event.target_type} #{event.target_id}" if event.target_type else "",
            "detail": ", ".join(f"{key}: {value}" for key, value in detail.items() if value not in (None, ""))}


def known_actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())
