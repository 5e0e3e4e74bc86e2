"""Which action each status of a unit's workbook allows (the statuses themselves are in kdweb.domain)."""
from kdweb.domain import WorkbookStatus

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
