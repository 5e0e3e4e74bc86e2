"""Raw rows (field name → cell value as read) to records, with a finding for every cell that cannot be read.

Keys are the record's field names; a criterion grade is "grade:<criterion code>" (e.g. "grade:I.1", "grade:5")
and a monthly civil-service rating "month:<1..12>". A finding's `field` is the key of the cell it is about.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import Enum
from functools import lru_cache, partial
from operator import attrgetter, getitem, is_not, itemgetter
from typing import Callable, Mapping, NamedTuple, Sequence

from .findings import Finding
from .labels import field_label
from .messages import subject_phrase
from .field_registry import REGISTRY, Registry
from .process_memos import bounded, remembered
from .parse import (
    Choice, Parsed, display_text, is_blank, looks_like_legacy_font, parse_civil_rating, parse_codes, parse_grade, quoted,
)
from .records import CollectiveRecord, Grades, LeaderRecord, MemberRecord, OrganisationRecord
from .terms import Severity

GRADE_PREFIX = "grade:"
MONTH_PREFIX = "month:"


# Where a parsed cell goes: a plain record field, a criterion grade or a monthly rating.
_VALUES, _GRADES, _MONTHS = 0, 1, 2


class _Field(NamedTuple):
    """How the cells of one raw key are read."""

    position: int  # where its problems come among the row's findings: the parser tables' order, then grades, months
    parser: Callable[[object], Parsed]
    is_text: bool  # checked for text typed in a legacy font
    remembered: bool  # each distinct text parsed once per RowParser
    into: int  # _VALUES, _GRADES or _MONTHS
    name: str  # the field, criterion code or month it sets


@dataclass(frozen=True)
class _RowShape:
    """What a record type reads from a raw row: its plain fields, then grades, then (members) monthly ratings."""

    record_type: type
    plain: Mapping[str, _Field]
    reads_months: bool

    def field(self, key: object) -> _Field | None:
        """How the key is read; None for a key the record does not take."""
        field = self.plain.get(key)
        if field is not None or not isinstance(key, str):
            return field
        if key.startswith(GRADE_PREFIX):
            return _Field(len(self.plain), parse_grade, False, True, _GRADES, key.removeprefix(GRADE_PREFIX))
        if self.reads_months and key.startswith(MONTH_PREFIX):
            return _Field(len(self.plain) + 1, parse_civil_rating, False, True, _MONTHS, key.removeprefix(MONTH_PREFIX))
        return None


@lru_cache(maxsize=16)
def _shape(record_type: type, registry: Registry = REGISTRY) -> _RowShape:
    """The declared fields of the record's kind that it holds, each read by its declared parser."""
    names = set(record_type.__struct_fields__)
    kept = [item for item in registry.of(record_type.subject_kind) if item.parser is not None and item.name in names]
    plain = {
        item.name: _Field(position, item.parser, item.is_text, not item.own, _VALUES, item.name)
        for position, item in enumerate(kept)
    }
    return _RowShape(record_type, plain, "monthly_ratings" in names)


@lru_cache(maxsize=16)
def _fields_seen(record_type: type, registry: Registry = REGISTRY) -> dict[object, _Field | None]:
    """How each raw key is read (`_RowShape.field`), filled as keys are met and shared by the record type's parsers:
    the keys are the layouts' columns, the same at every sheet."""
    return {}


class _Plan(NamedTuple):
    """What a parser works out from its record type and keys alone, the same at every sheet of a layout."""

    monthly_list: int | None  # the cell listing the months, when read apart
    monthly_at: int | None  # the record's field it fills
    repeating_keys: tuple[str, ...]
    vocabulary: tuple[bool, ...]  # by repeating key: whether its texts are the vocabulary (`_Readings`)
    repeating: Callable[[Sequence], tuple]  # a row's cells → its repeating cells
    repeating_at: tuple[int, ...]  # where they are among the row's cells
    own_values: tuple  # (index, key, parser) of the own cells that are plain values (scores, counts)
    own_texts: tuple  # (index, key, field position, problem position) of the own cells of free text (remarks)
    own_cells: tuple  # (index, key) of the other own cells
    layout: "_Layout"
    facts_known: bool
    fact_runs: tuple


@lru_cache(maxsize=64)
def _plan(record_type: type, registry: Registry, cell_keys: tuple, fact_keys: tuple) -> _Plan:
    shape, known = _shape(record_type, registry), _fields_seen(record_type, registry)
    read = []
    for index, key in enumerate(cell_keys):
        if key not in known:
            known[key] = shape.field(key)
        read.append((index, key, known[key]))
    # the list of months varies from row to row: read apart, by its text, unless months have cells of their own
    listed = [index for index, key, _ in read if key == MONTHLY_LIST]
    alone = bool(listed) and shape.reads_months and not any(key.startswith(MONTH_PREFIX) for key in cell_keys)
    layout = _layout(record_type)
    repeating = [index for index, key, field in read
                 if (key == MONTHLY_LIST and not alone) or (field and field.remembered)]
    own_values = tuple(
        (index, key, field.parser) for index, key, field in read
        if field and not field.remembered and not field.is_text and field.into == _VALUES and key != "level"
    )
    valued = {key for _, key, _ in own_values}
    own_texts = tuple((index, key, layout.positions[key], field.position) for index, key, field in read
                      if field and not field.remembered and field.is_text and field.into == _VALUES
                      and key not in valued and key != "level")
    texts = {key for _, key, _, _ in own_texts}
    own_cells = tuple((index, key) for index, key, field in read
                      if field and not field.remembered and key not in valued and key not in texts)
    facts_known = all(key in layout.positions for key in fact_keys)
    # a dropdown's texts (or a list of its codes) are the vocabulary; a code, a number, a date are the unit's
    vocabulary = tuple(field is not None and (isinstance(field.parser, Choice) or key == MONTHLY_LIST)
                       for index, key, field in read if index in repeating)
    return _Plan(
        listed[0] if alone else None, layout.positions.get(MONTHLY_LIST) if alone else None,
        tuple(cell_keys[index] for index in repeating), vocabulary, tuple_getter(repeating), tuple(repeating),
        own_values,
        own_texts, own_cells,
        layout,
        facts_known, _runs([layout.positions.get(key) for key in fact_keys]) if facts_known else (),
    )


def parse_member_row(raw: Mapping[str, object]) -> tuple[MemberRecord, list[Finding]]:
    return RowParser(MemberRecord)(raw)


def parse_organisation_row(raw: Mapping[str, object]) -> tuple[OrganisationRecord, list[Finding]]:
    return RowParser(OrganisationRecord)(raw)


def parse_collective_row(raw: Mapping[str, object]) -> tuple[CollectiveRecord, list[Finding]]:
    return RowParser(CollectiveRecord)(raw)


def parse_leader_row(raw: Mapping[str, object]) -> tuple[LeaderRecord, list[Finding]]:
    return RowParser(LeaderRecord)(raw)


class _Remembered(dict):
    """function(text) by text, each computed on first use."""

    def __init__(self, function: Callable[[str], object]):
        super().__init__()
        self.function = function

    def __missing__(self, text: str):
        result = self[text] = self.function(text)
        return result


class _ParsedTexts(dict):
    """A parser's results by cell text, by parser; a dropdown's (`Choice`) taken from what the process has read."""

    def __missing__(self, parser) -> _Remembered:
        texts = self[parser] = _Remembered(
            _choice_texts(parser).__getitem__ if isinstance(parser, Choice) else lambda text: _safe(parser, text))
        return texts


class _ChoiceTexts(dict):
    """One dropdown's readings by text, for the process. Its texts are a closed vocabulary that every unit types
    (levels, grades, yes/no, in a handful of spellings), so a sandbox worker, which serves many uploads
    (isolation.SandboxLimits.max_tasks), reads each one once rather than once per sheet; a Choice is pure and its
    Parsed frozen. Bounded: only texts that read without an error (a typo is one unit's, read once per sheet as
    before), of at most _SHARED_LENGTH characters, at most _SHARED_TEXTS of them. Free text (remarks, names) is
    never kept across uploads: it differs from unit to unit, and remembering it would only flatter a bench that
    reads one file again and again."""

    def __init__(self, parser: Choice):
        super().__init__()
        self.parser = parser

    def __missing__(self, text: str) -> Parsed:
        parsed = _safe(self.parser, text)
        if parsed.error is None and len(text) <= _SHARED_LENGTH and len(self) < _SHARED_TEXTS:
            self[text] = parsed
        return parsed


_SHARED_TEXTS, _SHARED_LENGTH = 1_000, 120
# (field, key, text) → RowParser.reading_of, for a dropdown's text that reads without a problem: the same
# vocabulary, by column (a few dozen columns)
_SHARED_READINGS = 5_000
_CHOICE_READINGS = bounded(_SHARED_READINGS)
_AS_TYPED = "as typed"
_CHOICE_TEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
remembered(_CHOICE_TEXTS.clear)


class _SharedToken:
    """A reading's token for the process (`_TOKENS`): the same object in every sheet, so that a row's tokens key
    the readings of its cells (`_PARTS`) across uploads."""

    __slots__ = ()


# What the rows of earlier uploads taught the process (process_memos: bounded, only what reads without a problem,
# never free text). A plan is the record type, the registry and the repeating cells' keys.
_TOKENS = bounded(2_000)  # a reading (RowParser.reading_of) → its _SharedToken
_PLANS = bounded(256)  # (record type, registry, repeating keys) → a key object standing for them
_PARTS = bounded(1_000)  # (plan, the cells' tokens) → RowParser._cell_part
_TEXT_TOKENS = bounded(2_000)  # (plan, key, a cell's text) → its _SharedToken
_MONTH_LISTS = bounded(1_000)  # (record type, registry, a list of months' text) → _months_listed, if no problem


def _choice_texts(parser: Choice) -> _ChoiceTexts:
    texts = _CHOICE_TEXTS.get(parser)
    if texts is None:
        texts = _CHOICE_TEXTS[parser] = _ChoiceTexts(parser)
    return texts


class _MonthLists(dict):
    """A sheet's lists of months ("HTTNV, HTXSNV, …") by text, each read once per sheet, or taken from what the
    process learnt (`_MONTH_LISTS`: a list of the vocabulary that reads without a problem)."""

    def __init__(self, function: Callable, shape_key: tuple):
        super().__init__()
        self.function, self.shape_key = function, shape_key

    def __missing__(self, listed: str):
        known = (*self.shape_key, listed)
        result = _MONTH_LISTS.get(known)
        if result is None:
            result = self.function(listed)
            if not result[1] and len(listed) <= _SHARED_LENGTH * 2:
                _MONTH_LISTS.keep(known, result)
        self[listed] = result
        return result


def _plan_key(record_type: type, registry: Registry, repeating_keys: tuple) -> object | None:
    """An object standing for the plan in the process's memos (hashed by identity: a cheap key); None past the
    bound (the plan's sheets then learn only for themselves)."""
    plan = (record_type, registry, repeating_keys)
    key = _PLANS.get(plan)
    if key is None and len(_PLANS) < _PLANS.bound:
        key = _PLANS[plan] = object()
    return key


class _Readings(dict):
    """One repeating cell's readings by its text: a token per distinct reading (`RowParser.reading_of`), shared by
    the texts that read alike, so that a row's tokens key the memo of its fields. Only text is remembered: a number
    or a boolean is read each time (1, 1.0 and True are one dict key but read differently), into the same tokens.
    It holds its parser weakly: the parser holds it, and a cycle would outlive the read until the cyclic collector
    walks it (RowParser: no cycles)."""

    def __init__(self, parser: weakref.ref, key: str, plan: object | None, vocabulary: bool):
        super().__init__()
        self.parser, self.key = parser, key  # the parser held weakly
        self.tokens: dict[tuple, object] = {}  # reading → its token
        self.learnt = (plan, key)  # this cell's texts in `_TEXT_TOKENS`
        self.vocabulary = vocabulary  # its texts are the vocabulary (_Plan.vocabulary)

    def __missing__(self, value):
        if type(value) is not str:
            return self._token(value)
        known = (*self.learnt, value)
        token = _TEXT_TOKENS.get(known)
        if token is None:
            token = self._token(value)
            if type(token) is _SharedToken and len(value) <= _SHARED_LENGTH and self.learnt[0] is not None:
                _TEXT_TOKENS.keep(known, token)
        self[value] = token
        return token

    def _token(self, value) -> object:
        reading = self.parser().reading_of(self.key, value)
        token = self.tokens.get(reading)
        if token is None:
            token = self.tokens[reading] = _token_of(reading) if self.vocabulary or reading == _BLANK else object()
        return token


_BLANK = (True,)  # the reading of a blank cell (RowParser.reading_of)
_ONLY_SHARED = {_SharedToken}  # the types of a row's tokens that all stand for the process's readings


def _token_of(reading: tuple) -> object:
    """The process's token for a reading without a problem that says no text of its own (not "as typed");
    else, or past the bound, one for this sheet only."""
    if reading[0] == _AS_TYPED:
        return object()
    token = _TOKENS.get(reading)
    if token is None and len(_TOKENS) < _TOKENS.bound:
        token = _TOKENS[reading] = _SharedToken()
    return token if token is not None else object()


class RowParser:
    """The rows of one sheet to records, as parse_<kind>_row does, each key's reading worked out once and each
    distinct text parsed once for all the rows: grades, levels, yes/no and cell names repeat on almost every row.

    `with_facts` reads the rows of a workbook: the roster's facts as signed (values in `fact_keys` order, turned
    into field values by `fact_conversions`, never parsed as text) and the cells typed by the unit, in
    `cell_keys` order. A row's repeating cells (grades, level, yes/no…) are read once per distinct tuple, into
    the record's fields in order, so the usual row is a dictionary lookup, two slice copies and a constructor.
    Grades come as a read-only `Grades`, shared by the records whose cells read alike. What reads as the
    vocabulary (a dropdown's texts, their tuples, lists of months) is also kept for the process (`_TEXT_TOKENS`,
    `_PARTS`, `_MONTH_LISTS`; process_memos), so that a sandbox worker reads the usual rows of its next upload
    from what other units' workbooks taught it.

    A parser makes no reference cycle (nothing it holds refers back to it), so a sheet's parser and its memos go
    as soon as the sheet is read: in a cycle they waited for the collector's first pass after the read
    (reader.gc_paused), which walked them all, some 3 % of a small upload's CPU."""

    def __init__(
        self, record_type: type, cell_keys: Sequence[str] = (), fact_keys: Sequence[str] = (),
        fact_conversions: Mapping[str, Callable] | None = None, registry: Registry = REGISTRY,
    ):
        self.shape = _shape(record_type, registry)
        self.fields = _fields_seen(record_type, registry)  # by raw key
        self.parsed_texts = _ParsedTexts()
        self.legacy_font_texts = _Remembered(looks_like_legacy_font)
        self.cell_keys, self.fact_keys = tuple(cell_keys), tuple(fact_keys)
        plan = _plan(record_type, registry, self.cell_keys, self.fact_keys)
        self._monthly_list, self._monthly_at = plan.monthly_list, plan.monthly_at
        self._month_lists = _MonthLists(partial(_months_listed, self.shape, self.parsed_texts), (record_type, registry))
        self._repeating_keys, self._repeating, self._repeating_at = plan.repeating_keys, plan.repeating, plan.repeating_at
        self._plan_key = _plan_key(record_type, registry, self._repeating_keys)
        held = weakref.ref(self)
        self._readings = tuple(_Readings(held, key, self._plan_key, vocabulary)  # by text
                               for key, vocabulary in zip(self._repeating_keys, plan.vocabulary))
        # own cells that are plain values (scores, counts): each distinct value parsed once, into its position
        self._own_values = tuple((index, key, parser, {}) for index, key, parser in plan.own_values)
        self._own_texts, self._own_cells = plan.own_texts, plan.own_cells
        self._cell_parts: dict[tuple, tuple[list, list]] = {}  # the cells' readings → (problems, the record's fields)
        self._layout = plan.layout
        positions = self._layout.positions
        self._facts_known, self._fact_runs = plan.facts_known, plan.fact_runs
        self._fact_conversions = tuple(
            (positions[key], convert) for key, convert in (fact_conversions or {}).items()
            if convert is not None and key in self.fact_keys
        )

    def __call__(self, raw: Mapping[str, object]) -> tuple[object, list[Finding]]:
        values: dict[str, object] = {}
        found = (values, {}, {})  # by _VALUES, _GRADES, _MONTHS
        problems: list[tuple[int, str, str, str, Severity]] = []  # (position, rule, field, text, severity)
        self._read(raw.items(), found, problems)
        _complete(self.shape, raw, found, problems, self.parsed_texts[parse_civil_rating])
        return _record_with_findings(self.shape, values, problems)

    def with_facts(self, facts: Sequence, cells: Sequence) -> tuple[object, list[Finding]]:
        """The record of a row, as `self({**facts, **cells})` reads it (facts and cells name different fields),
        the facts taken as they are (converted, not parsed): the usual row. Facts of another shape (a fact the
        record has no field for, a row of another length, a value its conversion refuses) are read as typed text,
        as the plain parser reads them. The sheet's loop calls `usual_rows()` instead: the same reading, with
        the parser's layout bound once."""
        return self.usual_rows()(facts, cells)

    def usual_rows(self, cells_at: Sequence[int] | None = None) -> Callable[[Sequence, Sequence], tuple[object, list[Finding]]]:
        """`with_facts` as a function with everything it looks up bound once: it runs once per member, and
        a dozen attribute look-ups per row were a fifth of its time (bench/bench_excel.py). A row is looked up
        by its cells' readings, each cell's token by its text (`_Readings`): rows typed in different spellings
        share one entry (looking rows up by their texts first cost 1-4 % more of the whole upload on real shapes,
        where grades come in several spellings and most rows' texts are new to the sheet). Bound anew at each
        call (the parser keeps no reference to it: no cycle), so a caller binds it once per sheet.

        With `cells_at` (where each of `cell_keys` is in a sheet's row), the function takes the whole row instead
        of its cells, and reads each cell where it is: no tuple of the row's cells is made for the usual row."""
        known, fact_count = self._facts_known, len(self.fact_keys)
        readings, parts, part_of = self._readings, self._cell_parts, self._part_of
        monthly_list, monthly_at = self._monthly_list, self._monthly_at
        own_values, own_cells, own_texts = self._own_values, self._own_cells, self._own_texts
        if cells_at is None:
            as_text, repeating_of = self._as_text, self._repeating
        else:  # every index into the cells made an index into the row
            at = tuple(cells_at)
            repeating_of = tuple_getter([at[index] for index in self._repeating_at])
            monthly_list = at[monthly_list] if monthly_list is not None else None
            own_values = tuple((at[index], *rest) for index, *rest in own_values)
            own_texts = tuple((at[index], *rest) for index, *rest in own_texts)
            own_cells = tuple((at[index], *rest) for index, *rest in own_cells)
            cells_of, cells_as_text = tuple_getter(at), self._as_text
            as_text = lambda facts, row: cells_as_text(facts, cells_of(row))  # noqa: E731
        month_lists, months_listed = self._month_lists, self._month_lists.function
        # each run of facts as the pair of slices it is copied by, worked out once
        runs = tuple((slice(start, start + end - begin), slice(begin, end)) for start, begin, end in self._fact_runs)
        conversions, read = self._fact_conversions, self._read
        positions, names, code_at = self._layout.positions, self._layout.names, self._layout.code
        shape, record_type = self.shape, self.shape.record_type

        def with_facts(facts: Sequence, cells: Sequence) -> tuple[object, list[Finding]]:
            if not known or len(facts) != fact_count:
                return as_text(facts, cells)
            repeating = repeating_of(cells)
            key = tuple(map(getitem, readings, repeating))
            part = parts.get(key)
            if part is None:
                part = part_of(key, repeating)
            problems, base = part
            fields = base.copy()
            own_problems: list = []
            if monthly_list is not None:
                listed = cells[monthly_list]
                if listed != "" and listed is not None:
                    months, listed_problems = month_lists[listed] if type(listed) is str else months_listed(listed)
                    if months:
                        fields[monthly_at] = months
                    own_problems += listed_problems
            for into, taken in runs:
                fields[into] = facts[taken]
            try:
                for position, convert in conversions:
                    if fields[position] is not None:
                        fields[position] = convert(fields[position])
            except (ValueError, TypeError, LookupError):
                return as_text(facts, cells)
            for index, key, parser, seen in own_values:
                value = cells[index]
                if value == "" or value is None:
                    continue
                # a bool is 1 or 0 as a key but reads differently; 1 and 1.0 read alike for these parsers
                parsed = seen.get(value) if type(value) is not bool else None
                if parsed is None:
                    parsed = _safe(parser, value)
                    if type(value) is not bool:
                        seen[value] = parsed
                if parsed.error:
                    own: dict[str, object] = {}
                    read(((key, value),), (own, own, own), own_problems)
                elif parsed.value is not None:
                    fields[positions[key]] = parsed.value
            for index, key, at, position in own_texts:  # free text as `read` reads it, without its generic steps
                value = cells[index]
                if type(value) is str:
                    if value:
                        fields[at] = display_text(value)
                        if looks_like_legacy_font(value):
                            own_problems.append((position, "P-FONT", key, _LEGACY_FONT, Severity.WARNING))
                elif value is not None:
                    own = {}
                    read(((key, value),), (own, own, own), own_problems)
                    for name, parsed in own.items():
                        fields[positions[name]] = parsed
            for index, key in own_cells:
                value = cells[index]
                if value != "" and value is not None:
                    own = {}
                    read(((key, value),), (own, own, own), own_problems)
                    for name, parsed in own.items():
                        fields[positions[name]] = parsed
            if problems or own_problems or not fields[code_at]:
                return _record_with_findings(shape, dict(zip(names, fields)), problems + own_problems)
            return record_type(*fields), []  # the usual row: nothing to report

        return with_facts

    def _as_text(self, facts: Sequence, cells: Sequence) -> tuple[object, list[Finding]]:
        raw = dict(zip(self.fact_keys, facts))
        raw.update((key, value) for key, value in zip(self.cell_keys, cells) if value != "" and value is not None)
        return self(raw)

    def _part_of(self, tokens: tuple, repeating: tuple) -> tuple[list, list]:
        """`_cell_part` for a tuple of readings the sheet meets first, kept for its other rows; when every cell
        reads as the vocabulary (its token the process's), taken from what earlier uploads taught (`_PARTS`) and
        kept for later ones."""
        plan = self._plan_key
        if plan is None or {*map(type, tokens)} != _ONLY_SHARED:
            part = self._cell_parts[tokens] = self._cell_part(repeating)
            return part
        part = _PARTS.get((plan, tokens))
        if part is None:
            part = self._cell_part(repeating)
            _PARTS.keep((plan, tokens), part)
        self._cell_parts[tokens] = part
        return part

    def _cell_part(self, repeating: tuple) -> tuple[list, list]:
        """The repeating cells' problems, and the record's fields holding their values (the others blank): read
        once per distinct tuple of the cells' readings (`_Readings`), which rows typed in different ways share."""
        raw = {key: value for key, value in zip(self._repeating_keys, repeating) if value != "" and value is not None}
        values: dict[str, object] = {}
        found, problems = (values, {}, {}), []
        self._read(raw.items(), found, problems)
        _complete(self.shape, raw, found, problems, self.parsed_texts[parse_civil_rating])
        fields = list(self._layout.blanks)
        for name, value in values.items():
            fields[self._layout.positions[name]] = value
        return problems, fields

    def reading_of(self, key: str, value) -> tuple:
        """What one repeating cell does to a row's record, as a hashable key: the values it sets (with their types)
        and whether it is blank, so that "XS", "Xuất sắc" and "xuất sắc" read alike; a cell with a problem, or
        free text, is its own reading (its text shows in the message). A dropdown's text that reads without a
        problem is read once for the process, as its parse is (`_ChoiceTexts`, bounded alike)."""
        field = self._field(key)
        if field is None or type(value) is not str or not isinstance(field.parser, Choice) or key == MONTHLY_LIST \
                or len(value) > _SHARED_LENGTH:
            return self._reading_of(key, value)
        known = (field, key, value)
        reading = _CHOICE_READINGS.get(known)
        if reading is None:
            reading = self._reading_of(key, value)
            if reading[0] != _AS_TYPED and len(_CHOICE_READINGS) < _SHARED_READINGS:
                _CHOICE_READINGS[known] = reading
        return reading

    def _reading_of(self, key: str, value) -> tuple:
        found: tuple[dict, dict, dict] = ({}, {}, {})
        problems: list = []
        if value != "" and value is not None:
            if key == MONTHLY_LIST:
                _read_monthly_list(0, value, found[_MONTHS], problems, self.parsed_texts[parse_civil_rating])
            else:
                self._read(((key, value),), found, problems)
        field = self._field(key)
        as_typed = (_AS_TYPED, type(value), value)
        if problems or (field is not None and field.is_text):
            return as_typed
        # the type and repr too: 1 and 1.0, 0.0 and -0.0 are equal but are not written alike
        reading = (is_blank(value),) + tuple((into, name, type(item), repr(item), item)
                                             for into, part in enumerate(found) for name, item in part.items())
        try:
            hash(reading)
        except TypeError:  # a value of a kind that cannot be a key: read alone
            return as_typed
        return reading

    def _field(self, key: object) -> _Field | None:
        field = self.fields.get(key, _UNSEEN)
        if field is _UNSEEN:
            field = self.fields[key] = self.shape.field(key)
        return field

    def _read(self, items, found: tuple[dict, dict, dict], problems: list) -> None:
        fields, parsed_texts = self.fields, self.parsed_texts
        for key, value in items:
            field = fields.get(key, _UNSEEN)
            if field is _UNSEEN:
                field = self._field(key)
            if field is None:
                continue
            position, parser, is_text, remembered, into, name = field
            # exactly str: 1, 1.0 and True are one dict key but are read differently
            parsed = parsed_texts[parser][value] if remembered and type(value) is str else _safe(parser, value)
            if parsed.error:
                problems.append((position, "P-VALUE", key, parsed.error, Severity.ERROR))
            elif key == "level":
                found[_VALUES]["level"] = parsed.value
                found[_VALUES]["not_rated"] = parsed.not_rated
            elif parsed.value is not None:
                found[into][name] = parsed.value
            if parsed.warning:  # a choice typed in a legacy font, read by converting it
                problems.append((position, "P-FONT", key, parsed.warning, Severity.WARNING))
            elif is_text and self._looks_like_legacy_font(value, remembered):
                problems.append((position, "P-FONT", key, _LEGACY_FONT, Severity.WARNING))

    def _looks_like_legacy_font(self, value: object, remembered: bool) -> bool:
        if remembered and type(value) is str:
            return self.legacy_font_texts[value]
        return looks_like_legacy_font(value)


_ERROR, _VALUE, _IS_SET = attrgetter("error"), attrgetter("value"), partial(is_not, None)


def _months_listed(shape: _RowShape, parsed_texts: _ParsedTexts, listed) -> tuple[tuple, list]:
    """The months' ratings one list cell gives ("HTTNV, HTXSNV, …"), in month order, and its problems."""
    month_texts = parsed_texts[parse_civil_rating]
    if type(listed) is str and listed.isascii() and listed.isprintable() and "  " not in listed and ";" not in listed:
        # codes typed tidily, as parse_codes reads them: split on the commas, each code read once per sheet (the
        # only blank printable ASCII holds is the space: strip() strips just spaces)
        read = [*map(month_texts.__getitem__, filter(None, map(str.strip, listed.split(","))))]
        if not any(map(_ERROR, read)):
            return tuple(filter(_IS_SET, map(_VALUE, read))), []
    months: dict[str, object] = {}
    problems: list = []
    _read_monthly_list(_months_position(shape), listed, months, problems, month_texts)
    return tuple(months[key] for key in sorted(months, key=_month_order)), problems


class _Layout(NamedTuple):
    """A record type's fields in constructor order: where each goes, and what an unset one holds."""

    names: tuple[str, ...]
    positions: dict[str, int]
    blanks: tuple  # the defaults, the very objects (msgspec leaves them out of the JSON); "" for code, name, unit_code
    code: int


@lru_cache(maxsize=8)
def _layout(record_type: type) -> _Layout:
    names = record_type.__struct_fields__
    defaults = record_type.__struct_defaults__  # those of the last fields: the first ones have none
    blanks = ("",) * (len(names) - len(defaults)) + defaults
    return _Layout(names, {name: index for index, name in enumerate(names)}, blanks, names.index("code"))


def _runs(positions: list[int]) -> tuple[tuple[int, int, int], ...]:
    """(field position, first fact, end of facts) for each run of facts that land on consecutive fields, so
    that a row's facts are copied into the fields a slice at a time."""
    runs: list[tuple[int, int, int]] = []
    for index, position in enumerate(positions):
        if runs and runs[-1][0] + index - runs[-1][1] == position:
            runs[-1] = (runs[-1][0], runs[-1][1], index + 1)
        else:
            runs.append((position, index, index + 1))
    return tuple(runs)


_UNSEEN = object()
MONTHLY_LIST = "monthly_ratings"  # the key of one cell listing the months' ratings ("HTTNV, HTXSNV, …")


def tuple_getter(keys: Sequence, getter=itemgetter) -> Callable[[object], tuple]:
    """container → tuple of container[key] for the keys (a row's indexes, a dict's keys; attribute names with
    getter=attrgetter), always a tuple: a bare itemgetter or attrgetter returns a lone value for one key."""
    if len(keys) > 1:
        return getter(*keys)
    if keys:
        only = getter(keys[0])
        return lambda container: (only(container),)
    return lambda container: ()


def _complete(shape: _RowShape, raw: Mapping[str, object], found: tuple[dict, dict, dict], problems: list,
              month_texts: Mapping[str, Parsed]) -> None:
    """The values that come from several cells: grades, monthly ratings, a discipline implying the year's.
    `month_texts`: a month's rating by its text, each text read once per sheet."""
    values, grades, months = found
    if grades:
        values["grades"] = Grades(grades)  # read-only: the rows that read alike share it
    if shape.reads_months:
        listed = raw.get(MONTHLY_LIST)
        if listed is not None:
            _read_monthly_list(_months_position(shape), listed, months, problems, month_texts)
        if months:
            values["monthly_ratings"] = tuple(months[key] for key in sorted(months, key=_month_order))
    if values.get("discipline") is not None and is_blank(raw.get("disciplined_in_year")):
        values["disciplined_in_year"] = True


def _months_position(shape: _RowShape) -> int:
    """Where the problems of a list of months come among a row's findings: after its grades and month cells."""
    return len(shape.plain) + 2


def _record_with_findings(shape: _RowShape, values: dict, problems: list):
    values.setdefault("code", "")
    values.setdefault("name", "")
    values.setdefault("unit_code", "")
    if problems:
        problems.sort(key=_position)  # the row's keys may come in any order; its findings come in the tables' order
    if not values["code"] and not any(key == "code" for _, _, key, _, _ in problems):
        problems.append((0, "P-CODE", "code", _NO_CODE, Severity.ERROR))
    if not problems:
        return shape.record_type(**values), []
    unreadable = frozenset(key for _, rule, key, _, _ in problems if rule == "P-VALUE")
    if unreadable:  # else the default, the very object (kdweb/rules/stored.py)
        values["unreadable"] = unreadable
    record = shape.record_type(**values)
    return record, [_finding(record, rule, key, text, severity) for _, rule, key, text, severity in problems]


def _position(problem: tuple) -> int:
    return problem[0]


def _read_monthly_list(position: int, listed, months: dict, problems: list, month_texts: Mapping[str, Parsed]) -> None:
    """The months typed in one cell ("HTTNV, HTXSNV, …"); a month also given in its own cell keeps that value."""
    if isinstance(listed, str):
        listed = parse_codes(listed).value
    if not isinstance(listed, (list, tuple)):
        return
    for index, value in enumerate(listed, start=1):
        parsed = month_texts[value] if type(value) is str else _safe(parse_civil_rating, value)
        if parsed.error:
            problems.append((position, "P-VALUE", "monthly_ratings", parsed.error, Severity.ERROR))
        elif parsed.value is not None:
            months.setdefault(str(index), parsed.value)


_NO_CODE = "thiếu mã đối tượng, không đối chiếu được với danh sách."
_LEGACY_FONT = (
    "văn bản có vẻ được gõ bằng phông chữ cũ (TCVN3/VNI); hãy chuyển sang Unicode "
    "(ví dụ bằng công cụ chuyển mã của Unikey) rồi tải lên lại."
)


_CELL_TYPES = (str, int, float, date, time, timedelta, Enum, tuple, list)  # calamine's, and the parsers'


def _safe(parser, value) -> Parsed:
    """A cell through its parser, never raising: a value of a type no cell holds is an error, not an exception."""
    if value is not None and not isinstance(value, _CELL_TYPES):
        return Parsed(error=f"không đọc được giá trị kiểu {type(value).__name__} trong ô này.")
    if isinstance(value, (tuple, list)) and parser is not parse_codes:
        return Parsed(error="ô chỉ được ghi một giá trị.")
    try:
        return parser(value)
    except Exception as error:  # a cell value of a type no parser expects: report it, never raise
        return Parsed(error=f"không đọc được giá trị “{quoted(value)}” ({type(error).__name__}).")


def _month_order(key: str) -> tuple:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _finding(record, rule, key, text, severity) -> Finding:
    kind = record.subject_kind
    message = f"{subject_phrase(kind, record.name, record.code)}, ô “{field_label(key)}”: {text}"
    return Finding(rule, severity, kind, record.code, record.name, key, message, unit_code=record.unit_code or None)
