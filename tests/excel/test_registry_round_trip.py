"""Every field the registry declares (kdweb/rules/field_registry.py), walked under both rule sets, through the
workbook a unit downloads and the upload it sends back: not examples, the whole registry.

For every input of every subject kind under qd132-hd21 and qd366-hd43 (and the total the server reads back): the
issued sheet has its column under the registry's header, with the declared dropdown or range (or the registry says
the rule set leaves it out, `Field.left_out`, and the sheet has none); a typical value typed in its cell reaches the
record read back with no parse finding; the record's stored JSON gives the same record back; a value its parser
must refuse is a P-VALUE at that field's cell, in Vietnamese, and the rest of the row still reads; the workbook
issued again with the unit's earlier inputs (services/workbooks.with_typed) shows the value and reads it back. For
every roster fact signed into the workbook: its value stands as signed, and editing the cell that shows it (or
typing where the roster left it blank) is a W-IDENTITY at that cell.

Each rule set's workbook is built, filled and read once (module fixtures): one roster row per kind reads the
typical values, one row per input carries the one refused value, one row per shown fact has that cell edited.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from types import SimpleNamespace

import pytest

from kdweb.excel.columns import CHOICE, COUNT, DATE, FIRST_DATA_ROW, HEADER_ROW, LAYOUTS, NUMBER, SCORE, TEXT, \
    extended_layout, parameter_text, sheet_specs
from kdweb.excel.identity import _STATUS_FACTS
from kdweb.excel.inputs import Roster
from kdweb.excel.template import LISTS_SHEET
from kdweb.rules import Level, SubjectKind, UnitKind, get_rule_set
from kdweb.rules.field_registry import CHOICE_LISTS, COMPUTED, IDENTITY, INPUT, QD132, QD366, REGISTRY, read_text
from kdweb.rules.labels import field_label
from kdweb.rules.parse import parse_code
from kdweb.rules.records import RECORD_TYPES, SUBJECT_LISTS
from kdweb.rules.stored import record_from_json, record_to_json
from kdweb.rules.validate import validate_district, validate_unit
from kdweb.services.workbooks import with_typed
from tests import loaded, sheet_xml
from tests.workbooks import fill

from .builders import CYCLE, build_demo, read_demo

RULE_SETS = (QD132, QD366)
MEMBER, ORGANISATION, COLLECTIVE, LEADER = SubjectKind
REFUSED = "Q9Z"  # no option of any list, no number, no level
TEXT_PARSERS = (read_text, parse_code)  # free text and codes: any text is kept as typed, nothing to refuse


def inputs_of(kind):
    """The fields whose cells the server reads: the unit's inputs, and the computed cells it checks (the total)."""
    return [item for item in REGISTRY.of(kind) if item.role == INPUT or (item.role == COMPUTED and item.read)]


INPUT_CASES = [(rule_set_id, kind, item.name) for rule_set_id in RULE_SETS for kind in SubjectKind
               for item in inputs_of(kind)]
CARRIED_CASES = [case for case in INPUT_CASES if REGISTRY[case[2]].carried_by(case[0], case[1])]
LEFT_OUT_CASES = [case for case in INPUT_CASES if case not in CARRIED_CASES]
REFUSABLE_CASES = [case for case in CARRIED_CASES if REGISTRY[case[2]].parser not in TEXT_PARSERS]
FREE_TEXT_CASES = [case for case in CARRIED_CASES if case not in REFUSABLE_CASES]
FACT_CASES = [(rule_set_id, kind, item.name) for rule_set_id in RULE_SETS for kind in SubjectKind
              for item in REGISTRY.of(kind) if item.role == IDENTITY and item.name != "code"]


def shown_in(case) -> str:
    """The column that shows a fact: its own, or for a member's statuses the one "Tình trạng" line."""
    _, kind, name = case
    return "status" if kind is MEMBER and name in _STATUS_FACTS else name


def is_shown(case) -> bool:
    return spec_of(case[0], case[1]).column_letter(shown_in(case)) is not None


def case_id(case) -> str:
    return "-".join(part.name.lower() if isinstance(part, SubjectKind) else part for part in case)


def spec_of(rule_set_id: str, kind: SubjectKind):
    return next(spec for spec in sheet_specs(get_rule_set(rule_set_id)) if spec.kind is kind)


def typical_value(rule_set_id: str, kind: SubjectKind, name: str):
    """What a unit types in the cell, by the field's declaration: a choice's first option, a number within the
    column's range, a list of levels, a code, a text."""
    item = REGISTRY[name]
    if name == "monthly_ratings":  # read from one cell as a list (parser None)
        return "HTTNV, HTXSNV"
    if item.cell == CHOICE:
        return CHOICE_LISTS[item.choices][1][0]
    if item.role == COMPUTED:  # as a spreadsheet program stores the formula's value: the typical scores' sum
        return sum(typical_value(rule_set_id, kind, name) for name in ("score_common", "score_tasks"))
    if item.cell in (NUMBER, SCORE, COUNT):
        column = next(column for column in spec_of(rule_set_id, kind).columns if column.key == name)
        low, high = column.range_under(get_rule_set(rule_set_id))
        return int((low + high) // 2)
    assert item.cell == TEXT, name
    if item.parser is parse_code:
        return "CB9"
    if item.parser is read_text:
        return "Đã khắc phục xong"
    return "HTTNV, HTXSNV"  # a list of levels (the quarters)


def expected_value(rule_set_id: str, kind: SubjectKind, name: str):
    if name == "monthly_ratings":
        return (Level.HTTNV, Level.HTXSNV)
    return REGISTRY[name].parser(typical_value(rule_set_id, kind, name)).value


# the roster: one row of typical values, one row per input (its value refused), one row per shown fact (edited)
PREFIX = {MEMBER: "DV", ORGANISATION: "CB", COLLECTIVE: "TT", LEADER: "LD"}


def typical_code(kind) -> str:
    return f"{PREFIX[kind]}00"


def refused_code(kind, name) -> str:
    return f"{PREFIX[kind]}R{[item.name for item in inputs_of(kind)].index(name):02d}"


def edited_code(kind, key, blank=False) -> str:
    """The row whose shown fact `key` is edited: the roster gives the fact a value, or (blank) leaves it blank."""
    return f"{PREFIX[kind]}{'B' if blank else 'E'}-{key}"


def _facts(kind: SubjectKind, code: str):
    """A subject with every roster fact given (none at its default), so that a fact read back proves something."""
    common = {"code": code, "name": f"Đối tượng {code}", "unit_code": "KM", "quota_group": "Cán bộ hưu trí",
              "quota_outstanding": True}
    if kind is MEMBER:
        return RECORD_TYPES[kind](
            **common, cell_code="CB1", cell_name="Chi bộ khu dân cư số 1", birth_date=date(1970, 3, 2),
            admitted_on=date(1995, 5, 19), probationary=True, exempt=True, suspended=True, committee_suspended=True,
            transferred_in=True, months_at_old_place=4.0, temporary_activity=True, temporary_activity_elsewhere=True,
            is_civil_servant=True, post="Tổ trưởng dân phố")
    if kind is ORGANISATION:
        return RECORD_TYPES[kind](**common, kind=UnitKind.CELL, parent_code="KM", founded_on=date(2001, 1, 1),
                                  group="Chi bộ khu dân cư")
    if kind is COLLECTIVE:
        return RECORD_TYPES[kind](**common, collective_type="Cấp ủy cơ sở", led_unit_code="KM",
                                  founded_on=date(1999, 1, 1))
    return RECORD_TYPES[kind](**common, post="Bí thư Đảng ủy phường", post_group="Bí thư cấp ủy cơ sở",
                              heads=("TT00",), party_member=False)


def shown_identity(spec):
    """The identity columns a unit could edit, but the code (a code retyped is another subject: X-MISSING)."""
    return [column for column in spec.columns if column.is_identity and column.key != "code"]


def roster_of(rule_set_id: str) -> Roster:
    lists = {}
    for spec in sheet_specs(get_rule_set(rule_set_id)):
        kind = spec.kind
        codes = [typical_code(kind)]
        codes += [refused_code(kind, name) for set_id, of_kind, name in REFUSABLE_CASES
                  if (set_id, of_kind) == (rule_set_id, kind)]
        codes += [edited_code(kind, column.key) for column in shown_identity(spec)]
        blank = [RECORD_TYPES[kind](code=edited_code(kind, column.key, blank=True), name="Đối tượng chưa có",
                                    unit_code="KM")
                 for column in shown_identity(spec) if column.key != "name"]
        lists[kind] = [_facts(kind, code) for code in codes] + blank
    return Roster(members=lists[MEMBER], organisations=lists[ORGANISATION], collectives=lists[COLLECTIVE],
                  leaders=lists[LEADER])


def edited_value(column):
    return "01/01/1901" if column.kind == DATE else "Đã sửa"


@dataclass
class Round:
    """One rule set's workbook issued, filled and read back."""

    roster: Roster
    issued: bytes
    result: object
    rows: dict  # (kind, code) → row number in the sheet
    headers: dict  # kind → {column letter: header text} of the issued sheet
    checks: dict  # kind → {column letter: (type, formula1, formula2)} of the issued sheet's data validations
    lists: dict  # the lists sheet's "'Danh mục'!$A$2:$A$6" ranges → their texts

    def record(self, kind, code):
        return next(record for record in self.result.batch.records_of(kind) if record.code == code)

    def roster_record(self, kind, code):
        return next(record for record in self.roster.records_of(kind) if record.code == code)

    def findings(self, kind, code, rule=None):
        return [finding for finding in self.result.findings if finding.subject_code == code
                and finding.subject_kind is kind and (rule is None or finding.rule == rule)]


def _values_for(rule_set_id: str):
    typical = {}
    for set_id, kind, name in CARRIED_CASES:  # a column the sheet lacks fails its own cases, not the whole round
        if set_id == rule_set_id and spec_of(rule_set_id, kind).column_letter(name) is not None:
            typical.setdefault(kind, {})[name] = typical_value(rule_set_id, kind, name)
    wanted = {(kind, typical_code(kind)): typical[kind] for kind in SubjectKind}
    for set_id, kind, name in REFUSABLE_CASES:
        if set_id == rule_set_id and name in typical[kind]:
            wanted[(kind, refused_code(kind, name))] = {**typical[kind], name: REFUSED}
    for spec in sheet_specs(get_rule_set(rule_set_id)):
        for column in shown_identity(spec):
            wanted[(spec.kind, edited_code(spec.kind, column.key))] = {column.key: edited_value(column)}
            wanted[(spec.kind, edited_code(spec.kind, column.key, blank=True))] = {column.key: edited_value(column)}
    return lambda kind, code: wanted.get((kind, code))


def _round(rule_set_id: str) -> Round:
    roster = roster_of(rule_set_id)
    issued = build_demo(roster, cycle=replace(CYCLE, rule_set_id=rule_set_id))
    filled = fill(issued, _values_for(rule_set_id), rule_set_id)
    result = read_demo(filled)
    assert result.ok, result.problem
    book = sheet_xml.Book(issued)
    rows, headers = {}, {}
    for spec in sheet_specs(get_rule_set(rule_set_id)):
        cells = book.rows(spec.name)
        code_column = spec.columns.index(spec.code_column) + 1
        headers[spec.kind] = {spec.column_letter(column.key): cells[HEADER_ROW].get(index)
                              for index, column in enumerate(spec.columns, start=1)}
        rows.update({(spec.kind, values[code_column]): number for number, values in cells.items()
                     if number >= FIRST_DATA_ROW and code_column in values})
    workbook = loaded.load_workbook(issued)
    checks = {spec.kind: {str(rule.sqref).split(":")[0].rstrip("0123456789"): (rule.type, rule.formula1, rule.formula2)
                          for rule in workbook[spec.name].data_validations.dataValidation}
              for spec in sheet_specs(get_rule_set(rule_set_id))}
    lists = {}
    for column in workbook[LISTS_SHEET].iter_cols(min_row=2):
        texts = [cell.value for cell in column if cell.value is not None]
        letter = column[0].column_letter
        lists[f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(texts) + 1}"] = tuple(texts)
    return Round(roster, issued, result, rows, headers, checks, lists)


_ROUNDS: dict[str, Round] = {}


@pytest.fixture(scope="module")
def rounds():
    def of(rule_set_id: str) -> Round:
        if rule_set_id not in _ROUNDS:
            _ROUNDS[rule_set_id] = _round(rule_set_id)
        return _ROUNDS[rule_set_id]

    yield of
    _ROUNDS.clear()


def parse_findings(found):
    return [finding for finding in found if finding.rule.startswith("P-")]


class TestEveryInput:
    @pytest.mark.parametrize("case", CARRIED_CASES, ids=case_id)
    def test_the_issued_sheet_has_its_column_under_the_registry_header(self, rounds, case):
        rule_set_id, kind, name = case
        letter = spec_of(rule_set_id, kind).column_letter(name)
        assert letter is not None
        header = parameter_text(REGISTRY[name].header_of(kind), get_rule_set(rule_set_id))
        assert rounds(rule_set_id).headers[kind][letter] == header

    @pytest.mark.parametrize("case", CARRIED_CASES, ids=case_id)
    def test_its_cells_offer_the_registry_list_or_range(self, rounds, case):
        """A choice's dropdown lists the declared options; a number's range is the declared one (the rule set's
        figure where a parameter names it); text and computed cells take anything."""
        rule_set_id, kind, name = case
        read, item = rounds(rule_set_id), REGISTRY[name]
        column = next(column for column in spec_of(rule_set_id, kind).columns if column.key == name)
        check = read.checks[kind].get(spec_of(rule_set_id, kind).column_letter(name))
        if item.role == COMPUTED or item.cell == TEXT:
            assert check is None
        elif item.cell == CHOICE:
            assert check[0] == "list" and read.lists[check[1]] == CHOICE_LISTS[item.choices][1]
        else:
            low, high = column.range_under(get_rule_set(rule_set_id))
            assert check == ("whole" if item.cell == COUNT else "decimal", f"{low:g}", f"{high:g}")

    @pytest.mark.parametrize("case", LEFT_OUT_CASES, ids=case_id)
    def test_an_input_the_registry_leaves_out_has_no_column_and_reads_as_its_default(self, rounds, case):
        rule_set_id, kind, name = case
        assert spec_of(rule_set_id, kind).column_letter(name) is None
        assert (rule_set_id, kind) in REGISTRY[name].left_out
        assert getattr(rounds(rule_set_id).record(kind, typical_code(kind)), name) == REGISTRY[name].default

    @pytest.mark.parametrize("case", CARRIED_CASES, ids=case_id)
    def test_a_typical_value_reaches_the_record_with_no_parse_finding(self, rounds, case):
        rule_set_id, kind, name = case
        read = rounds(rule_set_id)
        expected = expected_value(rule_set_id, kind, name)
        assert expected not in (None, REGISTRY[name].default), "the typical value must not read as blank"
        assert getattr(read.record(kind, typical_code(kind)), name) == expected
        assert parse_findings(read.findings(kind, typical_code(kind))) == []

    @pytest.mark.parametrize("case", CARRIED_CASES, ids=case_id)
    def test_the_stored_json_gives_the_same_record_back(self, rounds, case):
        rule_set_id, kind, name = case
        read = rounds(rule_set_id)
        for code in (typical_code(kind), *((refused_code(kind, name),) if case in REFUSABLE_CASES else ())):
            record = read.record(kind, code)
            back = record_from_json(kind, record_to_json(record))
            assert getattr(back, name) == getattr(record, name)
            assert back == record

    @pytest.mark.parametrize("case", REFUSABLE_CASES, ids=case_id)
    def test_a_refused_value_is_a_p_value_at_its_cell_in_vietnamese_and_the_rest_of_the_row_reads(self, rounds, case):
        rule_set_id, kind, name = case
        read, spec, code = rounds(rule_set_id), spec_of(rule_set_id, kind), refused_code(kind, name)
        found = parse_findings(read.findings(kind, code))
        assert [(finding.rule, finding.field) for finding in found] == [("P-VALUE", name)]
        finding = found[0]
        assert (finding.sheet, finding.cell) == (spec.name, f"{spec.column_letter(name)}{read.rows[(kind, code)]}")
        assert unicodedata.is_normalized("NFC", finding.message)
        assert f"ô “{field_label(name)}”" in finding.message and REFUSED in finding.message
        assert "không" in finding.message.lower()
        record = read.record(kind, code)
        assert name in record.unreadable and getattr(record, name) == REGISTRY[name].default
        others = [other for set_id, of_kind, other in CARRIED_CASES if (set_id, of_kind) == (rule_set_id, kind)]
        assert {other: getattr(record, other) for other in others if other != name} == \
            {other: expected_value(rule_set_id, kind, other) for other in others if other != name}

    @pytest.mark.parametrize("case", FREE_TEXT_CASES, ids=case_id)
    def test_a_free_text_or_code_cell_refuses_nothing(self, case):
        rule_set_id, kind, name = case
        item = REGISTRY[name]
        assert item.cell == TEXT and item.parser in TEXT_PARSERS
        assert item.parser(REFUSED).value == REFUSED and item.parser(REFUSED).error is None


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
def test_the_checks_over_the_stored_records_find_what_they_find_over_the_records_read(rounds, rule_set_id):
    """The district checks decide on records read back from their JSON (services/district_checks.current_batches):
    with every field filled, refused and edited as above, they see what the upload's check saw."""
    batch, rule_set = rounds(rule_set_id).result.batch, get_rule_set(rule_set_id)
    stored = replace(batch, **{SUBJECT_LISTS[kind]: [record_from_json(kind, record_to_json(record))
                                                     for record in batch.records_of(kind)] for kind in SubjectKind})
    assert validate_unit(stored, rule_set) == validate_unit(batch, rule_set)
    assert validate_district([stored], rule_set) == validate_district([batch], rule_set)


class TestEveryRosterFact:
    @pytest.mark.parametrize("case", FACT_CASES, ids=case_id)
    def test_the_signed_value_reads_back(self, rounds, case):
        rule_set_id, kind, name = case
        read = rounds(rule_set_id)
        expected = getattr(read.roster_record(kind, typical_code(kind)), name)
        assert expected != REGISTRY[name].default, "the roster must give the fact a value of its own"
        assert getattr(read.record(kind, typical_code(kind)), name) == expected

    @pytest.mark.parametrize("case", [case for case in FACT_CASES if not is_shown(case)], ids=case_id)
    def test_a_fact_no_cell_shows_is_one_known_to_be_kept_out_of_sight(self, case):
        rule_set_id, kind, name = case
        assert name in _NOT_SHOWN[rule_set_id], f"{name} is signed but shown nowhere"

    @pytest.mark.parametrize("case", [case for case in FACT_CASES if is_shown(case)], ids=case_id)
    def test_editing_the_cell_that_shows_it_is_w_identity_there_and_the_signed_value_stands(self, rounds, case):
        rule_set_id, kind, name = case
        spec, shown = spec_of(rule_set_id, kind), shown_in(case)
        read, code = rounds(rule_set_id), edited_code(kind, shown)
        found = read.findings(kind, code, "W-IDENTITY")
        assert [(finding.field, finding.sheet, finding.cell) for finding in found] == \
            [(shown, spec.name, f"{spec.column_letter(shown)}{read.rows[(kind, code)]}")]
        assert getattr(read.record(kind, code), name) == getattr(read.roster_record(kind, code), name)
        if shown != "status":
            assert read.headers[kind][spec.column_letter(shown)] == \
                parameter_text(REGISTRY[name].header_of(kind), get_rule_set(rule_set_id))

    @pytest.mark.parametrize("case", [case for case in FACT_CASES if is_shown(case) and case[2] != "name"],
                             ids=case_id)
    def test_a_value_typed_where_the_roster_left_the_fact_blank_is_w_identity_and_the_blank_stands(self, rounds, case):
        rule_set_id, kind, name = case
        spec, shown = spec_of(rule_set_id, kind), shown_in(case)
        read, code = rounds(rule_set_id), edited_code(kind, shown, blank=True)
        found = read.findings(kind, code, "W-IDENTITY")
        assert [(finding.field, finding.cell) for finding in found] == \
            [(shown, f"{spec.column_letter(shown)}{read.rows[(kind, code)]}")]
        assert getattr(read.record(kind, code), name) == REGISTRY[name].default


_REISSUED: dict[str, object] = {}


@pytest.fixture(scope="module")
def reissued(rounds):
    """Each rule set's workbook issued again with the typical row's inputs carried over from its stored JSON, as
    the download after an upload does (services/workbooks.with_typed, template._prefilled), and read back
    untouched."""
    def of(rule_set_id: str):
        if rule_set_id not in _REISSUED:
            read = rounds(rule_set_id)
            cycle = SimpleNamespace(rule_set_id=rule_set_id)
            lists = {}
            for kind in SubjectKind:
                stored = (kind, record_to_json(read.record(kind, typical_code(kind))))
                lists[kind] = [with_typed(read.roster_record(kind, typical_code(kind)), stored, cycle)]
            roster = Roster(members=lists[MEMBER], organisations=lists[ORGANISATION], collectives=lists[COLLECTIVE],
                            leaders=lists[LEADER])
            result = read_demo(build_demo(roster, cycle=replace(CYCLE, rule_set_id=rule_set_id)))
            assert result.ok, result.problem
            _REISSUED[rule_set_id] = result
        return _REISSUED[rule_set_id]

    yield of
    _REISSUED.clear()


class TestEveryInputCarriedOver:
    @pytest.mark.parametrize("case", [case for case in CARRIED_CASES if REGISTRY[case[2]].role == INPUT], ids=case_id)
    def test_a_workbook_issued_again_shows_the_value_sent_and_reads_it_back(self, reissued, case):
        rule_set_id, kind, name = case
        result = reissued(rule_set_id)
        record = next(record for record in result.batch.records_of(kind) if record.code == typical_code(kind))
        assert getattr(record, name) == expected_value(rule_set_id, kind, name)
        assert parse_findings(finding for finding in result.findings if finding.subject_kind is kind) == []


# Facts signed into the workbook that no cell shows: the unit's own code (the workbook's unit), a member's chi bộ
# code (its name is shown), and under 2024 the quota group and its mark (docs/rulebook-366.md §3, Q-20: 2025's).
_NOT_SHOWN = {QD132: ("unit_code", "cell_code", "quota_group", "quota_outstanding"), QD366: ("unit_code", "cell_code")}


def test_the_registry_walk_covers_every_case():
    """Every declared input of every kind under both rule sets is one case, carried or explicitly left out."""
    assert len(INPUT_CASES) == sum(len(inputs_of(kind)) for kind in SubjectKind) * 2
    assert sorted(CARRIED_CASES + LEFT_OUT_CASES, key=repr) == sorted(INPUT_CASES, key=repr)
    for rule_set_id in RULE_SETS:
        for spec in sheet_specs(get_rule_set(rule_set_id)):
            inputs = {column.key for column in spec.read_columns if not column.key.startswith("grade:")}
            assert inputs == {item.name for item in inputs_of(spec.kind) if item.carried_by(rule_set_id, spec.kind)}


@pytest.mark.parametrize("case", LEFT_OUT_CASES[:1] + LEFT_OUT_CASES[-1:], ids=case_id)
def test_a_layout_that_would_carry_a_left_out_input_is_refused(monkeypatch, case):
    rule_set_id, kind, name = case
    # a version no other test registers: the sheets of a layout are built once per rule set and version
    layout = replace(extended_layout(rule_set_id, kind, name), version=900 + LEFT_OUT_CASES.index(case))
    monkeypatch.setitem(LAYOUTS, rule_set_id, {**LAYOUTS[rule_set_id], layout.version: layout})
    with pytest.raises(ValueError, match=name):
        sheet_specs(get_rule_set(rule_set_id))
