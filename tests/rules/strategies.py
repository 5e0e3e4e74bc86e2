"""Hypothesis strategies for arbitrary, well-typed records and batches (codes drawn from a small pool so that
duplicates, heads links and cell links actually happen)."""
from hypothesis import strategies as st

from kdweb.rules import (
    CollectiveRecord, Discipline, Grade, LeaderRecord, Level, MemberRecord, NotRatedReason, OrganisationRecord,
    OrgKind, SubjectKind, UnitBatch,
)

CODES = st.sampled_from(["A", "B", "C", "D", "E", "F", "G", ""])
UNITS = st.sampled_from(["CS01", "CS02", ""])
GROUPS = st.sampled_from(["", "Phường", "Trường học"])
NAMES = st.text(alphabet="aăâbcdđeêhiklmnoôơuưyÀÁẢÃẠĐƯỜ NguyễnÔ¨", max_size=12)
LEVELS = st.none() | st.sampled_from(Level)
OPTIONAL_DATES = st.none() | st.dates()
MONTHS = st.floats(allow_nan=True, allow_infinity=True) | st.integers(0, 24).map(float)
CRITERIA = st.sampled_from(["1", "2", "3", "4", "5", "I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "III", "X"])
GRADES = st.dictionaries(CRITERIA, st.sampled_from(Grade), max_size=8)
FLAGS = st.booleans()
FORMS = st.none() | st.sampled_from(Discipline)
REASONS = st.none() | st.sampled_from(NotRatedReason)
UNREADABLE = st.frozensets(st.sampled_from(["level", "not_rated_reason", "grade:1", "code"]), max_size=2)

COMMON = dict(
    code=CODES, name=NAMES, unit_code=UNITS, level=LEVELS, not_rated=FLAGS, not_rated_reason=REASONS,
    grades=GRADES, disciplined_in_year=FLAGS, discipline=FORMS, violation_counted_before=FLAGS,
    targets_below_half=FLAGS, unreadable=UNREADABLE,
)

members = st.builds(
    MemberRecord, **COMMON, cell_code=CODES, admitted_on=OPTIONAL_DATES, exempt=FLAGS, suspended=FLAGS,
    committee_suspended=FLAGS, transferred_in=FLAGS, months_at_old_place=st.none() | MONTHS,
    transfer_remarks_received=FLAGS, temporary_activity=FLAGS, temporary_activity_elsewhere=FLAGS,
    temporary_remarks_received=FLAGS, is_civil_servant=FLAGS, civil_rating=LEVELS,
    discipline_origin_elsewhere=FLAGS, discipline_origin_unit=CODES,
    monthly_ratings=st.lists(LEVELS, max_size=12).map(tuple), sick_leave_months=MONTHS,
    maternity_leave_months=MONTHS,
)
organisations = st.builds(
    OrganisationRecord, **COMMON, kind=st.none() | st.sampled_from(OrgKind), parent_code=CODES,
    founded_on=OPTIONAL_DATES, group=GROUPS, self_remedied=FLAGS, same_level_bodies_lowest=LEVELS,
)
collectives = st.builds(
    CollectiveRecord, **COMMON, collective_type=GROUPS, led_unit_code=CODES, led_unit_level=LEVELS,
    founded_on=OPTIONAL_DATES, member_discipline=FORMS, main_target_missed=FLAGS, force_majeure=FLAGS,
)
leaders = st.builds(
    LeaderRecord, **COMMON, post_group=GROUPS, heads=st.lists(CODES, max_size=3).map(tuple),
    headed_unit_level=LEVELS, moved_in_no_responsibility=FLAGS, corruption_under_leadership=FLAGS,
    corruption_self_remedied=FLAGS,
)

EXPECTED = st.dictionaries(st.sampled_from(SubjectKind), st.lists(CODES, max_size=4), max_size=4)

batches = st.builds(
    UnitBatch,
    unit_code=UNITS,
    unit_name=NAMES,
    review_date=OPTIONAL_DATES,
    members=st.lists(members, max_size=12),
    organisations=st.lists(organisations, max_size=6),
    collectives=st.lists(collectives, max_size=5),
    leaders=st.lists(leaders, max_size=5),
    expected=EXPECTED,
)
