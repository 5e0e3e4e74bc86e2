"""What Excel makes of text typed into a cell, read as the cell shows it: "15/3/2023" typed becomes a date, "8:30" a
time of day, "30:00" a duration, in any column. A free-text cell keeps it as shown (dd/mm/yyyy, hh:mm), a number or
dropdown cell quotes it so in its message, never as Python writes it ("2023-03-15", "kiểu time") nor lost."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from kdweb.rules.parse import display_text

from .builders import MEMBERS_SHEET, Filler, build_demo, fill_clean, read_demo

TYPED = [
    (date(2023, 3, 15), "15/03/2023"),
    (datetime(2023, 3, 15, 14, 5), "15/03/2023 14:05"),
    (datetime(2023, 3, 15), "15/03/2023"),
    (time(8, 30), "08:30"),
    (time(8, 30, 15), "08:30:15"),
    (timedelta(hours=30), "30:00"),
    (timedelta(minutes=90, seconds=5), "1:30:05"),
]
IDS = [text for _, text in TYPED]


def _typed(**values):
    filler = fill_clean(Filler(build_demo()))
    filler.set(MEMBERS_SHEET, "DV001", **values)
    result = read_demo(filler.bytes())
    assert result.ok, result.problem
    member = next(member for member in result.batch.members if member.code == "DV001")
    return member, [finding for finding in result.findings if finding.subject_code == "DV001"]


@pytest.mark.parametrize(("value", "shown"), TYPED, ids=IDS)
def test_a_date_or_time_is_shown_as_the_cell_shows_it(value, shown):
    assert display_text(value) == shown


@pytest.mark.parametrize(("value", "shown"), TYPED, ids=IDS)
def test_a_date_or_time_in_a_remark_is_kept_as_shown(value, shown):
    member, findings = _typed(remarks=value)
    assert findings == [] and member.remarks == shown


@pytest.mark.parametrize(("value", "shown"), TYPED, ids=IDS)
@pytest.mark.parametrize("key", ["sick_leave_months", "level"])
def test_a_date_or_time_in_a_number_or_a_dropdown_is_told_as_shown(key, value, shown):
    _member, findings = _typed(**{key: value})
    assert [finding.field for finding in findings] == [key]
    message = findings[0].message
    assert f"“{shown}”" in message and "kiểu" not in message
