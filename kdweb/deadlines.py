"""Deadlines against the unit's level, in Vietnam's time zone (docs/rulebook.md §5).

A deadline date is the last day on which a submission is on time: a submission during
15/12 (local time) is on time, one at 00:00 on 16/12 is late. Late is marked, never refused.
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(VIETNAM).date()


def is_late(deadline: date, moment: datetime) -> bool:
    return local_date(moment) > deadline


@dataclass(frozen=True)
class DeadlineState:
    deadline: date
    days_left: int  # negative when past
    done_late: bool | None  # None while not done

    @property
    def text(self) -> str:
        if self.done_late is True:
            return "Nộp muộn"
        if self.done_late is False:
            return "Đúng hạn"
        if self.days_left > 1:
            return f"Còn {self.days_left} ngày"
        if self.days_left == 1:
            return "Còn 1 ngày"
        if self.days_left == 0:
            return "Hạn chót hôm nay"
        return f"Quá hạn {-self.days_left} ngày"

    @property
    def overdue(self) -> bool:
        return self.done_late is True or (self.done_late is None and self.days_left < 0)


def late_now(deadline: date, done_at: datetime, late_then: bool | None = None) -> bool:
    """Late against the deadline now and, when known (`late_then`, stored at submission), against the deadline in
    force then: an extension clears "late"; a deadline brought forward never makes a submission on time late."""
    return is_late(deadline, done_at) and late_then is not False


def deadline_state(deadline: date, now: datetime, done_at: datetime | None = None,
                   late_then: bool | None = None) -> DeadlineState:
    days_left = (deadline - local_date(now)).days
    done_late = None if done_at is None else late_now(deadline, done_at, late_then)
    return DeadlineState(deadline, days_left, done_late)
