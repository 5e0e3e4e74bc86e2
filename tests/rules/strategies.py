"""Hypothesis strategies for arbitrary, well-typed records and batches (codes drawn from a small pool so that
duplicates, heads links and cell links actually happen)."""
import random
from datetime import date

from hypothesis import strategies as st

from kdweb.rules import (
    ORGANISATION_KINDS, CollectiveRecord, Discipline, Grade, LeaderRecord, Level, MemberRecord, NotRatedReason,
    OrganisationRecord, SubjectKind, UnitBatch,
)

CODES = st.sampled_from(["A", "B", "C", "D", "E", "F", "G", ""])
UNITS = st.sampled_from(["CS01", "CS02", ""])
GROUPS = st.sampled_from(["", "Phường", "Trường học"])
NAMES = st.sampled_from(["", "Nguyễn Văn A", "Lê Thị Hoà", "Lê Thị Hòa", "NguyÔn V¨n B", "Ðinh Công C", "x" * 300])
LEVELS = st.none() | st.sampled_from(Level)
OPTIONAL_DATES = st.none() | st.sampled_from([
    date.min, date(2024, 6, 9), date(2024, 6, 10), date(2024, 6, 11), date(2024, 12, 10), date(2025, 1, 1), date.max,
])
MONTHS = st.sampled_from([0.0, 2.9, 3.0, 5.0, 6.0, 12.0, -1.0, float("nan"), float("inf")])
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
    OrganisationRecord, **COMMON, kind=st.none() | st.sampled_from(ORGANISATION_KINDS), parent_code=CODES,
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
    members=st.lists(members, max_size=8),
    organisations=st.lists(organisations, max_size=4),
    collectives=st.lists(collectives, max_size=3),
    leaders=st.lists(leaders, max_size=3),
    expected=EXPECTED,
)


# The same pools drawn with one seed per batch: far cheaper to generate than the field-by-field strategies above,
# so the order and quota properties run on many more batches; a failure reports its seed.
_POOLS = {
    "code": ["A", "B", "C", "D", "E", "F", "G", ""],
    "unit": ["CS01", "CS02", ""],
    "group": ["", "Phường", "Trường học"],
    "name": ["", "Nguyễn Văn A", "Lê Thị Hoà", "Lê Thị Hòa", "NguyÔn V¨n B", "Ðinh Công C"],
    "level": [None, *Level],
    "date": [None, date.min, date(2024, 6, 9), date(2024, 6, 10), date(2024, 6, 11), date(2024, 12, 10), date.max],
    "months": [0.0, 2.9, 3.0, 5.0, 6.0, 12.0, -1.0, float("nan"), float("inf")],
    "form": [None, *Discipline],
    "reason": [None, *NotRatedReason],
    "criterion": ["1", "2", "3", "4", "5", "I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "III", "X"],
}


def _common(rnd):
    pick = lambda pool: rnd.choice(_POOLS[pool])  # noqa: E731
    return dict(
        code=pick("code"), name=pick("name"), unit_code=pick("unit"), level=pick("level"),
        not_rated=rnd.random() < 0.3, not_rated_reason=pick("reason") if rnd.random() < 0.3 else None,
        grades={pick("criterion"): rnd.choice(list(Grade)) for _ in range(rnd.randrange(9))},
        disciplined_in_year=rnd.random() < 0.2, discipline=pick("form"), violation_counted_before=rnd.random() < 0.2,
        targets_below_half=rnd.random() < 0.1,
    )


def _flag(rnd, chance=0.2) -> bool:
    return rnd.random() < chance


def random_member(rnd) -> MemberRecord:
    pick = lambda pool: rnd.choice(_POOLS[pool])  # noqa: E731
    return MemberRecord(
        **_common(rnd), cell_code=pick("code"), admitted_on=pick("date"), exempt=_flag(rnd, 0.1),
        suspended=_flag(rnd, 0.1), transferred_in=_flag(rnd), months_at_old_place=pick("months"),
        transfer_remarks_received=_flag(rnd), temporary_activity=_flag(rnd, 0.1),
        temporary_activity_elsewhere=_flag(rnd, 0.1), temporary_remarks_received=_flag(rnd),
        is_civil_servant=_flag(rnd, 0.5), civil_rating=pick("level"), discipline_origin_elsewhere=_flag(rnd),
        discipline_origin_unit=pick("code"), monthly_ratings=tuple(pick("level") for _ in range(rnd.randrange(13))),
        sick_leave_months=pick("months"),
    )


def random_organisation(rnd) -> OrganisationRecord:
    pick = lambda pool: rnd.choice(_POOLS[pool])  # noqa: E731
    return OrganisationRecord(
        **_common(rnd), kind=rnd.choice([None, *ORGANISATION_KINDS]), parent_code=pick("code"), founded_on=pick("date"),
        group=pick("group"), self_remedied=_flag(rnd), same_level_bodies_lowest=pick("level"),
    )


def random_collective(rnd) -> CollectiveRecord:
    pick = lambda pool: rnd.choice(_POOLS[pool])  # noqa: E731
    return CollectiveRecord(
        **_common(rnd), collective_type=pick("group"), led_unit_code=pick("code"), led_unit_level=pick("level"),
        founded_on=pick("date"), member_discipline=pick("form"), main_target_missed=_flag(rnd),
        force_majeure=_flag(rnd),
    )


def random_leader(rnd) -> LeaderRecord:
    pick = lambda pool: rnd.choice(_POOLS[pool])  # noqa: E731
    return LeaderRecord(
        **_common(rnd), post_group=pick("group"), heads=tuple(pick("code") for _ in range(rnd.randrange(3))),
        headed_unit_level=pick("level"), moved_in_no_responsibility=_flag(rnd),
        corruption_under_leadership=_flag(rnd, 0.1), corruption_self_remedied=_flag(rnd),
    )


def random_batch(seed: int) -> UnitBatch:
    rnd = random.Random(seed)
    return UnitBatch(
        unit_code=rnd.choice(_POOLS["unit"]),
        unit_name=rnd.choice(_POOLS["name"]),
        review_date=rnd.choice(_POOLS["date"]),
        members=[random_member(rnd) for _ in range(rnd.randrange(30))],
        organisations=[random_organisation(rnd) for _ in range(rnd.randrange(8))],
        collectives=[random_collective(rnd) for _ in range(rnd.randrange(6))],
        leaders=[random_leader(rnd) for _ in range(rnd.randrange(6))],
        expected={kind: rnd.sample(_POOLS["code"], rnd.randrange(4)) for kind in SubjectKind if rnd.random() < 0.5},
    )


seeded_batches = st.integers(0, 2**32 - 1).map(random_batch)
