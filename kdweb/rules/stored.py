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
from json.encoder import encode_basestring
from operator import attrgetter
from types import MappingProxyType, UnionType
from collections.abc import Mapping

from .records import RECORD_TYPES, Record
from .terms import SubjectKind


def record_to_json(record: Record) -> str:
    """The record's fields that differ from their defaults, as compact JSON (enums by code, dates ISO), keys
    sorted: `json.dumps({name: _plain(value)}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)`,
    written by its type's encoder (`_encoder`)."""
    return _encoder(type(record))(record)


def json_writer(record_type: type) -> typing.Callable[[Record], str]:
    """record_to_json for records of this type, for a caller writing many (outcome._rating_rows)."""
    return _encoder(record_type)


_AS_IS = frozenset({str, int, float, bool})  # JSON values already: most fields of most records
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _as_json(value) -> str:
    """Any field's value as JSON, the way every other is written when its type is not the declared one."""
    return _ENCODER.encode(_plain(value))


@lru_cache(maxsize=16)
def _encoder(record_type: type) -> typing.Callable[[Record], str]:
    """The record type's JSON writer, compiled once: one straight line per field in key order, comparing the
    value with its default and writing the declared type directly (text, yes/no, enum by code, date), any other
    value as `_as_json` writes it. A rating row's record is written for each of an upload's 10,000 members;
    a loop over the fields and a dict per record cost four times as much (bench/bench_excel.py). Most of a
    record's fields hold their default, so a field is read again only when it holds another object; its key is
    written into the same constant as the text around its value; a field without a default is always written."""
    names, defaults = _layout(record_type)
    hints = typing.get_type_hints(record_type)
    constants = {"_as_json": _as_json, "_text": encode_basestring, "_date": date, "_mapping": _mapping_json,
                 "_codes": _codes_json, "_kept": _MAPPINGS}
    body = []
    for name in sorted(names):
        at = names.index(name)
        key = encode_basestring(name) + ":"
        write = f"        append({_written(hints[name], constants, key)})"
        if defaults[at] is MISSING:  # a field the record cannot be built without: always there
            body += [f"    value = record.{name}", write[4:]]
            continue
        if defaults[at] is None:  # any value but None differs from None: no comparison to make (a date's is slow)
            body += [f"    if (value := record.{name}) is not None:", write]
            continue
        constants[f"_default_{at}"] = defaults[at]
        body += [f"    if record.{name} is not _default_{at}:", f"        value = record.{name}",
                 f"        if value != _default_{at}:", "    " + write]
    # the constants as the variables of a closure: as fast to read as local names, and nothing to copy per call
    # (as defaults of keyword arguments, each call filled in all sixty of them: an eighth of the writer's time)
    lines = ["def encoder(" + ", ".join(constants) + "):", "  def encode(record):", "    parts = []",
             "    append = parts.append", *body, '    return "{" + ",".join(parts) + "}"',
             "  return encode"]
    namespace: dict = {}
    exec(compile("\n".join(lines), f"<record_to_json {record_type.__name__}>", "exec"), namespace)  # noqa: S102
    return namespace["encoder"](**constants)


_MAPPINGS: dict[int, tuple[object, str]] = {}  # by id: the mapping or tuple (kept alive, so its id stays its own)
_MAPPINGS_KEPT = 4096


def _mapping_json(value) -> str:
    """A record's grades as JSON, written once per mapping: the rows that read alike share one read-only mapping
    (kdweb/rules/rows.py), so an upload's 10,000 members have a few hundred."""
    kept = _MAPPINGS.get(id(value))
    if kept is not None and kept[0] is value:
        return kept[1]
    if isinstance(value, Mapping) and all(type(key) is str and isinstance(item, Enum) and type(item._value_) is str
                                          for key, item in value.items()):  # grades, as read
        text = "{" + ",".join(encode_basestring(key) + ":" + encode_basestring(item._value_)
                              for key, item in sorted(value.items())) + "}"
    else:
        text = _as_json(value)
    if type(value) is MappingProxyType:  # read-only: its JSON cannot change
        if len(_MAPPINGS) >= _MAPPINGS_KEPT:
            _MAPPINGS.clear()
        _MAPPINGS[id(value)] = (value, text)
    return text


def _codes_json(value, kind: type) -> str:
    """A tuple of one enum's members or None, as json.dumps writes their codes: a civil servant's twelve months,
    written once per tuple, kept as the grades are (`_mapping_json`): the rows that list the same months share
    one tuple (kdweb/rules/rows.py)."""
    kept = _MAPPINGS.get(id(value))
    if kept is not None and kept[0] is value:
        return kept[1]
    if type(value) is not tuple or not all(item is None or type(item) is kind for item in value):
        return _as_json(value)
    text = "[" + ",".join(["null" if item is None else encode_basestring(item._value_) for item in value]) + "]"
    if len(_MAPPINGS) >= _MAPPINGS_KEPT:
        _MAPPINGS.clear()
    _MAPPINGS[id(value)] = (value, text)  # a tuple of enum members: its JSON cannot change
    return text


def _declared(hint):
    """The one type a field holds besides None, or None when it may hold several."""
    options = [option for option in typing.get_args(hint) if option is not type(None)] \
        if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union else [hint]
    return options[0] if len(options) == 1 and isinstance(options[0], type) else None


def _written(hint, constants: dict, key: str) -> str:
    """The expression writing `key` and `value`: the declared type written directly when the value is exactly
    of it, else `_as_json(value)`."""
    other = f"{key!r} + _as_json(value)"
    if typing.get_origin(hint) in (Mapping, dict):  # grades: the rows that read alike share one (_mapping_json)
        return (f"{key!r} + (kept[1] if (kept := _kept.get(id(value))) is not None and kept[0] is value "
                "else _mapping(value))")
    if typing.get_origin(hint) is tuple:  # the months' ratings: a tuple of one enum (None for a month not rated)
        items = typing.get_args(hint)
        item = _declared(items[0]) if len(items) == 2 and items[1] is Ellipsis else None
        if item is not None and issubclass(item, Enum) and all(type(member.value) is str for member in item):
            constants[f"_{item.__name__}"] = item
            return f"{key!r} + _codes(value, _{item.__name__})"
    declared = _declared(hint)
    if declared is str:
        return f"({key!r} + _text(value) if type(value) is str else {other})"
    if declared is bool:
        return f"({key + 'true'!r} if value is True else {key + 'false'!r} if value is False else {other})"
    if declared is date:
        return f"({key + chr(34)!r} + value.isoformat() + '\"' if type(value) is _date else {other})"
    if declared is not None and issubclass(declared, Enum) and all(type(item.value) is str for item in declared):
        constants[f"_{declared.__name__}"] = declared
        return f"({key!r} + _text(value._value_) if type(value) is _{declared.__name__} else {other})"
    return other


@lru_cache(maxsize=16)
def _layout(record_type: type) -> tuple[tuple[str, ...], tuple]:
    """The record type's field names and their defaults, in declaration order."""
    items = fields(record_type)
    return tuple(item.name for item in items), tuple(_default(item) for item in items)


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
