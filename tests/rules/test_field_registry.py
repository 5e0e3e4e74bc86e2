"""The field registry (kdweb.rules.field_registry): every declared field of every kind reads back what was typed,
and a field declared in a derived registry gets its record field, parser, column, dropdown, summary count and
help without a change to any other file (the recipe of docs/changing.md)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hypothesis import given, settings, strategies as st
from msgspec.structs import fields

from kdweb.excel.columns import CHOICE, INPUT, Layout, LAYOUTS, column_of, sheet_specs
from kdweb.excel.summary import extra_headers
from kdweb.rules import RECORD_TYPES, SubjectKind, get_rule_set
from kdweb.rules.field_registry import CHOICE_LISTS, IDENTITY, REGISTRY, Field, read_text
from kdweb.rules.parse import Choice, parse_code, parse_codes, parse_date, parse_months, parse_yes_no
from kdweb.rules.records import record_class
from kdweb.rules.rows import RowParser
from kdweb.rules.score_fields import parse_count, parse_levels, parse_score

_BY_PARSER = {
    parse_score: st.decimals(min_value=0, max_value=100, places=2).map(str).map(lambda text: text.replace(".", ",")),
    parse_count: st.integers(min_value=0, max_value=500),
    parse_months: st.sampled_from([0, 1.5, "2,5", 12]),
    parse_date: st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 12, 31)).map(lambda day: f"{day:%d/%m/%Y}"),
    parse_code: st.sampled_from(["CB1", "DV0001", "12"]),
    parse_codes: st.sampled_from(["TT-KM", "TT-KM, CB1"]),
    read_text: st.sampled_from(["Tự phát hiện, báo cáo và khắc phục", "Khu dân cư số 3", "x", "Bí thư"]),
    parse_levels: st.lists(st.sampled_from(["HTXSNV", "HTTNV", "HTNV", "KHTNV"]), min_size=1, max_size=4).map(", ".join),
}


def typed_value(item: Field):
    """What a user may type in the field's cell: a text of its dropdown, or a value its parser takes."""
    if isinstance(item.parser, Choice):
        texts = CHOICE_LISTS[item.choices][1] if item.choices else item.parser.texts
        return st.sampled_from(texts)
    return _BY_PARSER[item.parser]


def test_every_declared_field_has_a_known_way_to_be_typed():
    for item in REGISTRY.fields:
        assert item.parser is None or isinstance(item.parser, Choice) or item.parser in _BY_PARSER, item.name
        assert item.role in (IDENTITY, INPUT, "computed") and item.kinds, item.name
        assert item.choices is None or item.choices in CHOICE_LISTS, item.name


@settings(max_examples=80, deadline=None)
@given(data=st.data(), kind=st.sampled_from(SubjectKind))
def test_every_declared_field_parses_back_what_was_typed(data, kind):
    declared = [item for item in REGISTRY.of(kind) if item.parser is not None]
    raw = {item.name: data.draw(typed_value(item), label=item.name) for item in declared}
    raw["code"], raw["name"] = "A", "Tên"
    record, problems = RowParser(RECORD_TYPES[kind])(raw)
    assert problems == []
    for item in declared:
        expected = item.parser(raw[item.name])
        if expected.not_rated:
            assert record.not_rated and record.level is None
        else:
            assert getattr(record, item.name) == expected.value, item.name


def test_every_record_field_is_declared_once():
    for kind, record_type in RECORD_TYPES.items():
        own = {"code", "name", "unit_code", "not_rated", "grades", "unreadable"}
        assert {item.name for item in fields(record_type)} - own == {item.name for item in REGISTRY.of(kind)} - own


NIGHT_SHIFT = Field("night_shift", "Trực đêm thường xuyên", parse_yes_no, "bool", False,
                    frozenset({SubjectKind.MEMBER}), summary=("Có",), help="Chọn “Có” nếu trực đêm thường xuyên.")
DERIVED = REGISTRY.declaring(NIGHT_SHIFT)


_Member = record_class("_Member", SubjectKind.MEMBER, DERIVED)


def test_a_field_declared_in_a_derived_registry_is_a_record_field_a_column_and_a_summary_count(monkeypatch):
    assert _Member("A", "B", "U").night_shift is False
    record, problems = RowParser(_Member, registry=DERIVED)({"code": "A", "name": "B", "night_shift": "có"})
    assert problems == [] and record.night_shift is True
    assert RowParser(_Member, registry=DERIVED)({"code": "A", "name": "B", "night_shift": "hay"})[0].unreadable \
        == {"night_shift"}

    column = column_of(NIGHT_SHIFT, SubjectKind.MEMBER)
    assert (column.header, column.role, column.kind, column.choices) == ("Trực đêm thường xuyên", INPUT, CHOICE, "yes_no")
    for rule_set_id in ("qd132-hd21", "qd366-hd43"):
        newest = max(LAYOUTS[rule_set_id].values(), key=lambda layout: layout.version)
        tails = dict(newest.tails)
        tails[SubjectKind.MEMBER] = tails[SubjectKind.MEMBER] + ("night_shift",)
        monkeypatch.setitem(LAYOUTS[rule_set_id], 99, Layout(99, newest.heads, tails, DERIVED))
        rule_set = get_rule_set(rule_set_id)
        specs = sheet_specs(rule_set, 99)
        member = next(spec for spec in specs if spec.kind is SubjectKind.MEMBER)
        assert member.column_letter("night_shift") == member.column_letter(member.columns[-1].key)
        assert ("Trực đêm thường xuyên: Có", "night_shift", "Có") in extra_headers(specs, rule_set)


def test_a_number_cell_refused_is_quoted_with_the_decimal_comma_the_unit_typed():
    """A score or count typed as 25,125 in a Vietnamese Excel is a number cell 25.125: quoted as the cell shows it."""
    assert "“25,125”: điểm chỉ ghi tối đa hai chữ số thập phân" in parse_score(25.125).error
    assert "“-5,5” không phải số điểm hợp lệ" in parse_score(-5.5).error
    assert "“2,5” không phải số lượng hợp lệ" in parse_count(2.5).error
    assert "“25.125”" in parse_score("25.125").error  # text is quoted as typed


@pytest.mark.parametrize("typed", ["2e1", "1E1", "inf", "Infinity", "nan", "sNaN", "1_0", "+5", "٣", "27,5,1", "5."])
def test_a_score_typed_as_text_in_another_form_is_not_a_score(typed):
    """Decimal() takes exponents, infinities and underscores; a score is read only as people type it."""
    assert parse_score(typed).error == f"“{typed}” không phải số điểm hợp lệ (số không âm, ví dụ 27,5)."


@pytest.mark.parametrize("typed, score", [("27,5", "27.5"), (" 65.25 ", "65.25"), ("30", "30"), (",5", "0.5"),
                                          (20, "20"), (27.5, "27.5")])
def test_a_score_is_read_with_a_decimal_comma_or_point(typed, score):
    assert parse_score(typed).value == Decimal(score)
