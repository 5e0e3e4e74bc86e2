"""A record as it is kept per upload (JSON text) and read back for the checks across workbooks: every field the
checks read, so the district checks decide on the same full records a single workbook's check sees."""
from __future__ import annotations

import json
import typing
from dataclasses import MISSING, fields
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from operator import attrgetter
from types import MappingProxyType, UnionType

from .records import RECORD_TYPES, Record
from .terms import SubjectKind


def record_to_json(record: Record) -> str:
    """The record's fields that differ from their defaults, as compact JSON (enums by code, dates ISO)."""
    names, values_of, defaults = _layout(type(record))
    body = {}
    for name, value, default in zip(names, values_of(record), defaults):
        if value != default:
            kind = type(value)
            body[name] = value if kind in _AS_IS else _plain_of(kind)(value)
    return _ENCODER.encode(body)


_AS_IS = frozenset({str, int, float, bool})  # JSON values already: most fields of most records
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@lru_cache(maxsize=16)
def _layout(record_type: type) -> tuple[tuple[str, ...], typing.Callable, tuple]:
    """The record type's field names, a getter of their values in that order, and their defaults (once per type:
    one record is written per rating of every upload)."""
    items = fields(record_type)
    names = tuple(item.name for item in items)
    return names, attrgetter(*names), tuple(_default(item) for item in items)


def record_from_json(kind: SubjectKind, text: str) -> Record:
    record_type = RECORD_TYPES[kind]
    converters = _converters(record_type)
    body = json.loads(text)
    return record_type(**{name: converters[name](value) for name, value in body.items() if name in converters})


def _default(item):
    return item.default_factory() if item.default_factory is not MISSING else item.default


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
        return lambda value: {key: convert_item(item) for key, item in value.items()}
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
