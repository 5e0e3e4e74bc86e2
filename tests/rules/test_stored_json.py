"""record_to_json, written by each record type's compiled encoder, is exactly the JSON of the record's fields that
differ from their defaults (json.dumps, keys sorted, compact, not ASCII-escaped): the stored format is unchanged."""
import json
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from kdweb.rules import Grade, Level
from kdweb.rules.records import RECORD_TYPES
from kdweb.rules.stored import _default, _plain, record_from_json, record_to_json
from kdweb.rules.terms import Discipline, NotRatedReason, UnitKind

# the declared types of every field, and values of other types than declared (a record holds what it is given)
VALUES = st.sampled_from([
    None, "", "Nguyễn Văn “An”", 'dấu "ngoặc" \\ và\nxuống dòng\t\x01', True, False, 0, 1, 2.5, -0.0, 1e300,
    date(2024, 2, 29), datetime(2024, 5, 1, 7, 30), Decimal("87.50"), Level.HTTNV, Level.KHTNV, Grade.TOT,
    Discipline.CANH_CAO, list(NotRatedReason)[0], UnitKind.CELL, (Level.HTTNV, None), ("CB01", "CB02"),
    frozenset({"level", "grade:1"}), {"2": Grade.XUAT_SAC, "1": Grade.TOT},
    MappingProxyType({"I.1": Grade.TOT}),
])


def reference(record) -> str:
    body = {item.name: _plain(getattr(record, item.name)) for item in fields(record)
            if getattr(record, item.name) != _default(item)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(RECORD_TYPES.values())), st.data())
def test_each_record_is_written_as_the_json_of_its_fields_not_at_their_default(record_type, data):
    chosen = data.draw(st.sets(st.sampled_from([item.name for item in fields(record_type)]), max_size=12))
    values = {name: data.draw(VALUES) for name in chosen}
    record = record_type(**{"code": "DV1", "name": "An", "unit_code": "KM", **values})
    assert record_to_json(record) == reference(record)


def test_a_usual_member_is_written_and_read_back():
    record = RECORD_TYPES[list(RECORD_TYPES)[0]](
        code="DV1", name="Lê Thị Hoà", unit_code="KM", birth_date=date(1960, 5, 1), level=Level.HTTNV,
        grades=MappingProxyType({"2": Grade.TOT, "1": Grade.TOT}), remarks="Tích cực", probationary=True)
    text = record_to_json(record)
    assert text == reference(record) and '"grades":{"1":' in text
    assert record_from_json(record.subject_kind, text) == record
