"""record_to_json, written by msgspec's encoder, is exactly the JSON of the record's fields that differ from their
defaults (json.dumps, keys sorted, compact, not ASCII-escaped): the stored format is unchanged."""
import copy
import json
import pickle
import typing
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import MappingProxyType, UnionType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import fields

from kdweb.rules import Grade, Level
from kdweb.rules.records import NO_GRADES, RECORD_TYPES, Grades, grades_of
from kdweb.rules.stored import _plain, json_writer, record_from_json, record_to_json
from kdweb.rules.terms import Discipline, NotRatedReason, UnitKind


def reference(record) -> str:
    body = {item.name: _plain(getattr(record, item.name)) for item in fields(record)
            if getattr(record, item.name) != item.default}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


TEXT = st.text(max_size=12) | st.sampled_from(["", "Nguyễn Văn “An”", 'dấu "ngoặc" \\ và\nxuống dòng\t\x01\x7f\u2028'])
# every float: 0.0 and -0.0 equal the leave months' default, exponents are written by repr() (1e+16, 1e-05)
FLOATS = st.floats() | st.sampled_from([0.0, -0.0, 1e-4, 9.99e-5, 1e16, 9999999999999998.0, 1e300, 5e-324, 2.5, 12.0])
GRADE_ITEMS = st.dictionaries(st.sampled_from(["1", "2", "10", "I.1", "I.2", "Ⅱ"]), st.sampled_from(list(Grade)),
                              max_size=5)


def of_type(hint) -> st.SearchStrategy:
    """Values of a field's declared type, as the reader, the roster and the stored JSON give them, and as tests
    build them (plain or read-only dicts of grades, empty ones included)."""
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        return st.one_of([of_type(option) for option in typing.get_args(hint)])
    origin, arguments = typing.get_origin(hint) or hint, typing.get_args(hint)
    if hint is type(None):
        return st.none()
    if origin is tuple:
        return st.lists(of_type(arguments[0]), max_size=12).map(tuple)
    if origin is frozenset:
        return st.frozensets(TEXT, max_size=4)
    if origin in (Mapping, dict):
        return GRADE_ITEMS.flatmap(lambda items: st.sampled_from([grades_of(items), dict(items), MappingProxyType(items)]))
    if isinstance(origin, type) and issubclass(origin, Enum):
        return st.sampled_from(list(origin))
    return {str: TEXT, bool: st.booleans(), int: st.integers(), float: FLOATS, date: st.dates(),
            Decimal: st.decimals(allow_nan=False, places=2) | st.decimals(allow_nan=False)}[origin]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(list(RECORD_TYPES.values())), st.data())
def test_each_record_is_written_as_the_json_of_its_fields_not_at_their_default(record_type, data):
    hints = typing.get_type_hints(record_type)
    chosen = data.draw(st.sets(st.sampled_from(record_type.__struct_fields__), max_size=16))
    values = {name: data.draw(of_type(hints[name]), label=name) for name in chosen}
    record = record_type(**{"code": "DV1", "name": "An", "unit_code": "KM", **values})
    assert record_to_json(record) == reference(record)


# values of other types than declared (a record holds what it is given): msgspec writes the same JSON value, whose
# text is json.dumps's unless it equals the field's default without being it (1 for True) or is a float with an
# exponent (1e+300)
OTHER_VALUES = st.sampled_from([
    None, "", "Nguyễn Văn “An”", True, False, 0, 1, 2.5, -0.0, datetime(2024, 5, 1, 7, 30), Decimal("87.50"),
    Level.HTTNV, Grade.TOT, Discipline.CANH_CAO, list(NotRatedReason)[0], UnitKind.CELL, (Level.HTTNV, None),
    ("CB01", "CB02"), (Grade.TOT, Level.HTTNV), [Level.HTNV], (Level.HTTNV, "HTTNV"), frozenset({"level", "grade:1"}),
    {"2": Grade.XUAT_SAC, "1": Grade.TOT}, MappingProxyType({"I.1": Grade.TOT}),
])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(RECORD_TYPES.values())), st.data())
def test_a_value_of_another_type_is_written_as_json_dumps_writes_it(record_type, data):
    defaults = {item.name: item.default for item in fields(record_type)}
    chosen = data.draw(st.sets(st.sampled_from(record_type.__struct_fields__), max_size=12))
    values = {name: data.draw(OTHER_VALUES.filter(lambda value, name=name: not (
        value == defaults[name] and value is not defaults[name]))) for name in chosen}
    record = record_type(**{"code": "DV1", "name": "An", "unit_code": "KM", **values})
    assert record_to_json(record) == reference(record)


def a_member(**values):
    return RECORD_TYPES[list(RECORD_TYPES)[0]](code="DV1", name="Lê Thị Hoà", unit_code="KM", **values)


def test_a_usual_member_is_written_and_read_back():
    record = a_member(birth_date=date(1960, 5, 1), level=Level.HTTNV, grades=grades_of({"2": Grade.TOT, "1": Grade.TOT}),
                      remarks="Tích cực", probationary=True, monthly_ratings=(Level.HTTNV, None, Level.HTXSNV))
    text = record_to_json(record)
    assert text == reference(record) and '"grades":{"1":' in text
    assert record_from_json(record.subject_kind, text) == record
    assert type(record_from_json(record.subject_kind, text).grades) is Grades
    assert record_from_json(record.subject_kind, record_to_json(a_member())).grades is NO_GRADES


@pytest.mark.parametrize("value", [0.0, -0.0, 0, 1e16, 1e-5, float("nan"), float("inf"), 7e22])
def test_a_float_msgspec_would_write_otherwise_is_written_as_json_dumps_writes_it(value):
    record = a_member(sick_leave_months=float(str(value)) if type(value) is float else value,
                      months_at_old_place=value)
    assert json_writer(type(record))(record) == reference(record).encode()


def test_empty_grades_and_unreadable_are_left_out_whoever_made_them():
    for record in (a_member(grades={}), a_member(grades=MappingProxyType({})), a_member(grades=Grades()),
                   a_member(unreadable=frozenset([]))):
        assert record_to_json(record) == '{"code":"DV1","name":"Lê Thị Hoà","unit_code":"KM"}'


def test_grades_are_read_only_and_cross_a_process_boundary():
    grades = grades_of({"1": Grade.TOT})
    with pytest.raises(TypeError):
        grades["2"] = Grade.KEM
    with pytest.raises(TypeError):
        grades.update({"2": Grade.KEM})
    record = a_member(grades=grades)
    back = pickle.loads(pickle.dumps(record, pickle.HIGHEST_PROTOCOL))
    assert back == record and type(back.grades) is Grades and back.grades == {"1": Grade.TOT}
    assert copy.deepcopy(record) == record and copy.copy(grades) is grades
    assert pickle.loads(pickle.dumps(a_member())).grades is NO_GRADES and grades_of({}) is NO_GRADES
