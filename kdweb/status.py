"""The statuses of a unit's workbook in a cycle: one list, shared by every page (docs/design.md)."""
from enum import Enum


class WorkbookStatus(Enum):
    NOT_DOWNLOADED = ("not_downloaded", "Chưa tải mẫu", "secondary")
    DOWNLOADED = ("downloaded", "Đã tải mẫu", "info")
    HAS_ERRORS = ("has_errors", "Có lỗi", "danger")
    VALID = ("valid", "Hợp lệ, chưa nộp", "warning")
    SUBMITTED = ("submitted", "Đã nộp, chờ duyệt", "primary")
    RETURNED = ("returned", "Bị trả lại", "danger")
    APPROVED = ("approved", "Đã duyệt", "success")

    def __init__(self, code, text, tone):
        self.code = code
        self.text = text
        self.tone = tone

    @classmethod
    def from_code(cls, code):
        for status in cls:
            if status.code == code:
                return status
        raise ValueError(f"unknown workbook status {code!r}")

    @property
    def accepts_upload(self):
        return self not in (WorkbookStatus.SUBMITTED, WorkbookStatus.APPROVED)


# Which statuses each action may start from; anything else is refused with a message.
ALLOWED_FROM = {
    "upload": {WorkbookStatus.NOT_DOWNLOADED, WorkbookStatus.DOWNLOADED, WorkbookStatus.HAS_ERRORS,
               WorkbookStatus.VALID, WorkbookStatus.RETURNED},
    "submit": {WorkbookStatus.VALID, WorkbookStatus.HAS_ERRORS, WorkbookStatus.RETURNED},
    "approve": {WorkbookStatus.SUBMITTED},
    "return": {WorkbookStatus.SUBMITTED},
    "reopen": {WorkbookStatus.APPROVED},
}


def can(action: str, status: WorkbookStatus) -> bool:
    return status in ALLOWED_FROM[action]
