"""A record as it is kept per upload (JSON text) and read back for the checks across workbooks: every field the
checks read, so the district checks decide on the same full records a single workbook's check sees."""
from __future__ import annotations

import json
import typing
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from operator import attrgetter, is_
from types import MappingProxyType, UnionType
from collections.abc import Mapping

import msgspec
from msgspec.structs import replace

from .records import RECORD_TYPES, Record, grades_of
from .terms import SubjectKind


def record_to_json(record: Record) -> str:
    """The record's fields that differ from their defaults, as compact JSON (enums by code, dates ISO), keys
    sorted: `json.dumps({name: _plain(value)}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)`, byte
    for byte (tests/rules/test_stored_json.py), written by msgspec (`json_writer`)."""
    return json_writer(type(record))(record).decode()


def _encodable(value):
    """msgspec's hook for a type it does not write: a read-only mapping as a dict (its grades, in a test)."""
    if isinstance(value, Mapping):
        return dict(value)
    raise NotImplementedError


# order="sorted": struct fields, dict keys and set items sorted, as json.dumps(sort_keys=True) and _plain do
_ENCODER = msgspec.json.Encoder(order="sorted", enc_hook=_encodable)
_FLOAT_AS_REPR = (1e-4, 1e16)  # a float in this range is written as repr() writes it; outside, msgspec writes
# no "+" in its exponent and no leading zero in it (1e16, 1e-5: repr's 1e+16, 1e-05)


@lru_cache(maxsize=16)
def json_writer(record_type: type) -> typing.Callable[[Record], bytes]:
    """record_to_json for records of this type, as UTF-8 bytes, for a caller writing many (outcome._rating_rows:
    the rating rows cross the sandbox's boundary pickled, where bytes are copied and text is encoded, and
    decoded again; services/uploads.rating_rows decodes them once).

    msgspec's encoder writes a record as json.dumps writes its plain fields, and leaves out a field that holds
    its default, the very object: a value that only equals it (a float 0.0 read from a cell, an empty set of
    unreadable fields, empty grades not NO_GRADES) is written as the default itself, in a copy. A float outside
    `_FLOAT_AS_REPR`, which msgspec writes otherwise than repr() does, is written by `_by_json_dumps`. The usual
    record costs msgspec's encoding and a look at a few fields: half the exec-compiled writer's time it replaced.
    A value of a type other than its field's (a test's) is written as msgspec writes it: the same JSON, whose
    text differs when the value equals its default (1 where True is) or is a float with an exponent."""
    names, defaults = _layout(record_type)
    hints = typing.get_type_hints(record_type)
    floats = tuple((name, default) for name, default in zip(names, defaults) if _declared(hints[name]) is float)
    no_grades, nothing_unreadable = defaults[names.index("grades")], defaults[names.index("unreadable")]
    low, high = _FLOAT_AS_REPR
    encode = _ENCODER.encode
    # the float fields' values in one call, and whether each is its default, the very object (the usual record)
    float_values = attrgetter(*(name for name, _ in floats)) if len(floats) > 1 else None
    float_defaults = tuple(default for _, default in floats)

    def write(record) -> bytes:
        changes = None
        grades, unreadable = record.grades, record.unreadable
        if not grades and grades is not no_grades and grades == no_grades:
            changes = {"grades": no_grades}
        if not unreadable and unreadable is not nothing_unreadable and unreadable == nothing_unreadable:
            changes = {**(changes or {}), "unreadable": nothing_unreadable}
        if float_values is not None and all(map(is_, float_values(record), float_defaults)):
            return encode(replace(record, **changes) if changes else record)
        for name, default in floats:
            value = getattr(record, name)
            if value is default or (type(value) is float and low <= value < high
                                    or type(value) is int and value != default):
                continue
            if value != default:  # a float msgspec writes otherwise (or not a float)
                return _by_json_dumps(record)
            changes = {**(changes or {}), name: default}
        return encode(replace(record, **changes) if changes else record)

    return write


def _by_json_dumps(record) -> bytes:
    """The record's JSON as json.dumps writes it: what record_to_json promises, for the records msgspec would
    write otherwise."""
    names, defaults = _layout(type(record))
    body = {}
    for name, default in zip(names, defaults):
        value = getattr(record, name)
        if value != default:
            body[name] = _plain(value)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


_AS_IS = frozenset({str, int, float, bool})  # JSON values already


def _declared(hint):
    """The one type a field holds besides None, or None when it may hold several."""
    options = [option for option in typing.get_args(hint) if option is not type(None)] \
        if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union else [hint]
    return options[0] if len(options) == 1 and isinstance(options[0], type) else None


@lru_cache(maxsize=16)
def _layout(record_type: type) -> tuple[tuple[str, ...], tuple]:
    """The record type's field names and their defaults (NODEFAULT for code, name, unit_code), in order."""
    items = msgspec.structs.fields(record_type)
    return tuple(item.name for item in items), tuple(item.default for item in items)


def record_from_json(kind: SubjectKind, text: str) -> Record:
    record_type = RECORD_TYPES[kind]
    converters = _converters(record_type)
    body = json.loads(text)
    return record_type(**{name: converters[name](value) for name, value in body.items() if name in converters})


def _plain(value):
    kind = type(value)
    return value if kind in _AS_IS else _plain_of(kind)(value)


def _plain_of(kind: type) -> typing.Callable:
    """How a value of this type becomes a JSON value, decided once per type (a record per rating is written)."""
    try:
        return _PLAIN_BY_TYPE[kind]
    except KeyError:
        convert = _PLAIN_BY_TYPE[kind] = _plain_converter(kind)
        return convert


_PLAIN_BY_TYPE: dict[type, typing.Callable] = {}


def _plain_converter(kind: type) -> typing.Callable:
    if kind in _AS_IS or kind is type(None):
        return _identity
    if issubclass(kind, Enum):
        return attrgetter("_value_")
    if kind in (dict, MappingProxyType) or issubclass(kind, typing.Mapping):  # grades
        return lambda value: {str(key): _plain(item) for key, item in value.items()}
    if issubclass(kind, date):
        return kind.isoformat
    if issubclass(kind, Decimal):  # a score: exact, as text
        return str
    if issubclass(kind, (tuple, list)):
        return lambda value: [_plain(item) for item in value]
    if issubclass(kind, (set, frozenset)):
        return lambda value: sorted(_plain(item) for item in value)
    return _identity


@lru_cache(maxsize=8)
def _converters(record_type: type) -> dict[str, typing.Callable]:
    return {name: _converter(hint) for name, hint in typing.get_type_hints(record_type).items()
            if name != "subject_kind"}


def _converter(hint) -> typing.Callable:
    """How a JSON value becomes a value of a field of this type."""
    options = [hint]
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        options = [option for option in typing.get_args(hint) if option is not type(None)]
    if len(options) != 1:
        return _identity
    wanted = options[0]
    origin = typing.get_origin(wanted) or wanted
    arguments = typing.get_args(wanted)
    if origin is date:
        return _nullable(date.fromisoformat)
    if isinstance(origin, type) and issubclass(origin, Enum):
        return _nullable(origin)
    if origin in (typing.Mapping, dict) or (isinstance(origin, type) and issubclass(origin, typing.Mapping)):
        convert_item = _converter(arguments[1]) if len(arguments) == 2 else _identity
        return lambda value: grades_of({key: convert_item(item) for key, item in value.items()})
    if origin is tuple:
        convert_item = _converter(arguments[0]) if arguments else _identity
        return lambda value: tuple(convert_item(item) for item in value)
    if origin is frozenset:
        return frozenset
    if origin is float:
        return _nullable(float)
    if origin is Decimal:
        return _nullable(lambda value: Decimal(str(value)))
    return _identity


def _identity(value):
    return value


def _nullable(convert):
    return lambda value: None if value is None else convert(value)
