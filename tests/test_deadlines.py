from datetime import date, datetime, time, timedelta, timezone

import pytest

from kdweb.deadlines import VIETNAM, deadline_state, is_late
from kdweb.status import WorkbookStatus, can

DEC15 = date(2026, 12, 15)


def deadline_end(deadline: date) -> datetime:
    """The first instant that is late: midnight after the deadline day, Vietnam time."""
    return datetime.combine(deadline + timedelta(days=1), time.min, tzinfo=VIETNAM)


@pytest.mark.parametrize("utc_moment, late", [
    (datetime(2026, 12, 15, 16, 59, 59, tzinfo=timezone.utc), False),  # 23:59:59 on 15/12 in Hà Nội
    (datetime(2026, 12, 15, 17, 0, 0, tzinfo=timezone.utc), True),  # 00:00 on 16/12 in Hà Nội
    (datetime(2026, 12, 14, 18, 0, 0, tzinfo=timezone.utc), False),  # 01:00 on 15/12 local
])
def test_deadline_boundary_is_midnight_in_vietnam(utc_moment, late):
    assert is_late(DEC15, utc_moment) is late


def test_deadline_end_is_local_midnight():
    end = deadline_end(DEC15)
    assert end.astimezone(timezone.utc) == datetime(2026, 12, 15, 17, 0, tzinfo=timezone.utc)
    assert is_late(DEC15, end) and not is_late(DEC15, end - timedelta(microseconds=1))


def test_year_end_deadline():
    assert not is_late(date(2026, 12, 31), datetime(2026, 12, 31, 16, 59, tzinfo=timezone.utc))
    assert is_late(date(2026, 12, 31), datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))


@pytest.mark.parametrize("now, text, overdue", [
    (datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc), "Còn 14 ngày", False),
    (datetime(2026, 12, 14, 3, 0, tzinfo=timezone.utc), "Còn 1 ngày", False),
    (datetime(2026, 12, 15, 3, 0, tzinfo=timezone.utc), "Hạn chót hôm nay", False),
    (datetime(2026, 12, 18, 3, 0, tzinfo=timezone.utc), "Quá hạn 3 ngày", True),
])
def test_deadline_state_while_not_done(now, text, overdue):
    state = deadline_state(DEC15, now)
    assert (state.text, state.overdue) == (text, overdue)


def test_deadline_state_when_done():
    now = datetime(2026, 12, 20, tzinfo=timezone.utc)
    on_time = deadline_state(DEC15, now, done_at=datetime(2026, 12, 15, 10, tzinfo=timezone.utc))
    late = deadline_state(DEC15, now, done_at=datetime(2026, 12, 16, 10, tzinfo=timezone.utc))
    assert (on_time.text, on_time.overdue) == ("Đúng hạn", False)
    assert (late.text, late.overdue) == ("Nộp muộn", True)


def test_status_list_is_the_one_from_the_design():
    assert [s.text for s in WorkbookStatus] == [
        "Chưa tải mẫu", "Đã tải mẫu", "Có lỗi", "Hợp lệ, chưa nộp", "Đã nộp, chờ duyệt", "Bị trả lại", "Đã duyệt",
    ]
    assert WorkbookStatus("returned") is WorkbookStatus.RETURNED
    assert can("upload", WorkbookStatus.RETURNED) and not can("upload", WorkbookStatus.APPROVED)
    with pytest.raises(ValueError):
        WorkbookStatus("nope")


def test_the_deadline_follows_the_units_level_wherever_it_is_asked():
    """One rule (docs/rulebook.md §5) behind the cycle, the workbook's instructions and the dashboard."""
    from kdweb.excel.inputs import CycleInfo, UnitInfo
    from kdweb.models import Cycle
    from kdweb.rules.dates import deadline_for_level

    grassroots, district = date(2026, 12, 15), date(2026, 12, 31)
    assert deadline_for_level("district", grassroots, district) == district
    assert deadline_for_level("grassroots", grassroots, district) == grassroots
    cycle = Cycle(year=2026, grassroots_deadline=grassroots, district_deadline=district)
    info = CycleInfo(2026, "qd132-hd21", grassroots_deadline=grassroots, district_deadline=district)
    for level, expected in (("district", district), ("grassroots", grassroots)):
        unit = UnitInfo("X", "Đơn vị", level)
        assert cycle.deadline_for(unit) == info.deadline_for(unit) == expected
