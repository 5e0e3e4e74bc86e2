"""The hidden metadata sheet: who the workbook is for, what was issued, and an HMAC over all of it.

The signed payload is compact ASCII JSON, split over cells (a cell holds at most 32,767 characters). The
readable key/value rows above it are for people; the reader trusts only the payload, and only once the HMAC
matches. Rows are matched by subject code, so the payload holds each sheet's issued rows by code: from layout 2
field by field, each repeated value once, deflated into one base64 block per sheet (a tenth of layout 1's text
for a large roster, a third of its memory once read); in layout 3 (written now) the rows' positions in a field's
list of values are bytes after the fields' JSON, not JSON numbers, which cost half of reading layout 2's block, and
a field of texts is its texts joined by NUL there; in layout 1, workbooks issued before layout 2, as JSON lists of
values row by row in the payload itself.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import zlib
from array import array
from dataclasses import dataclass, field
from datetime import date

from isal import isal_zlib


META_SHEET = "_kdweb"
MARKER = "kdweb-workbook"
LAYOUT = 3  # the shape of sheets and payload this code writes
READ_LAYOUTS = frozenset({1, 2, 3})  # and those it reads: 1 had each sheet's rows as plain JSON in the payload
CHUNK_CHARS = 30_000
PAYLOAD_KEY = "payload"
SIGNATURE_KEY = "signature"


@dataclass(frozen=True)
class IssuedSheet:
    kind: str  # SubjectKind code
    name: str  # the tab name
    fields: tuple[str, ...]  # roster fields of each row, "code" first
    rows: tuple[tuple, ...]  # signed facts, JSON values


@dataclass(frozen=True)
class WorkbookMeta:
    template_version: str
    unit_code: str
    unit_name: str
    unit_level: str
    cycle_year: int
    rule_set_id: str
    review_date: date | None = None
    deadline: date | None = None
    sheets: tuple[IssuedSheet, ...] = ()
    layout: int = LAYOUT
    extra: dict = field(default_factory=dict)
    columns_layout: int = 1  # the version of the rule set's column set it was issued with (excel.columns.LAYOUTS)

    def sheet(self, kind: str) -> IssuedSheet | None:
        return next((sheet for sheet in self.sheets if sheet.kind == kind), None)

    def payload(self) -> str:
        body = {
            "layout": self.layout,
            "template_version": self.template_version,
            "unit": {"code": self.unit_code, "name": self.unit_name, "level": self.unit_level},
            "cycle_year": self.cycle_year,
            "rule_set_id": self.rule_set_id,
            "columns": self.columns_layout,
            "review_date": _iso(self.review_date),
            "deadline": _iso(self.deadline),
            "sheets": [
                {"kind": sheet.kind, "name": sheet.name, "fields": list(sheet.fields), **_rows_entry(sheet.rows, self.layout)}
                for sheet in self.sheets
            ],
            "extra": self.extra,
        }
        return json.dumps(body, ensure_ascii=True, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_payload(cls, payload: str) -> WorkbookMeta:
        body = _loads(payload)
        unit, layout = body["unit"], int(body.get("layout", 0))
        return cls(
            template_version=str(body["template_version"]),
            unit_code=str(unit["code"]),
            unit_name=str(unit.get("name", "")),
            unit_level=str(unit.get("level", "")),
            cycle_year=int(body["cycle_year"]),
            rule_set_id=str(body["rule_set_id"]),
            review_date=_from_iso(body.get("review_date")),
            deadline=_from_iso(body.get("deadline")),
            sheets=tuple(
                IssuedSheet(sheet["kind"], sheet["name"], tuple(sheet["fields"]), _issued_rows(sheet, layout))
                for sheet in body.get("sheets", ())
            ),
            layout=layout,
            extra=dict(body.get("extra") or {}),
            columns_layout=int(body.get("columns", 1)),  # workbooks issued before layouts were versioned: 1
        )


def _rows_entry(rows, layout: int) -> dict:
    if layout < 2:
        return {"rows": [list(row) for row in rows]}
    columns = [_column(values) for values in zip(*rows)]
    data = _json_bytes(columns) if layout < 3 else _layout_3_bytes(columns, len(rows))
    deflate = zlib.compressobj(2, zlib.DEFLATED, -15)  # raw deflate, as layout 2 has always been written
    return {"columns_deflated": base64.b64encode(deflate.compress(data) + deflate.flush()).decode("ascii")}


def _json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


# Layout 3: the fields' JSON, {"rows": count, "columns": [...]} (no byte below 0x20 in it: json escapes them),
# then this byte, then the bytes of the fields not in the JSON, field after field: of a field written by its
# distinct values ({"values": [...], "width": 1 or 2}), each row's position in that list, an unsigned
# little-endian integer of `width` bytes; of a field of texts ({"texts": size}), its texts in UTF-8 joined by NUL.
_BYTES_FOLLOW = b"\n"
_TYPECODES = {1: "B", 2: "H"}
_BIG_ENDIAN = sys.byteorder == "big"


def _layout_3_bytes(columns: list, count: int) -> bytes:
    described, parts = [], []
    for column in columns:
        if type(column) is dict:
            width = 1 if len(column["values"]) <= 256 else 2
            positions = array(_TYPECODES[width], column["index"])
            if _BIG_ENDIAN:
                positions.byteswap()
            parts.append(positions.tobytes())
            described.append({"values": column["values"], "width": width})
        elif all(type(value) is str for value in column) and not any("\x00" in value for value in column):
            parts.append("\x00".join(column).encode("utf-8", "surrogatepass"))
            described.append({"texts": len(parts[-1])})
        else:
            described.append(column)
    return _json_bytes({"rows": count, "columns": described}) + _BYTES_FOLLOW + b"".join(parts)


def _column(values: tuple) -> list | dict:
    """One field of every row: as it is, or, when its values repeat (a chi bộ, a status), each distinct value once
    and the rows' positions in that list. Values are told apart by type too: 1, 1.0 and True stay themselves."""
    keys = list(zip(map(type, values), values))
    try:
        distinct = list(dict.fromkeys(keys))
    except TypeError:  # a list (a leader's heads) is no key
        return list(values)
    if len(distinct) * 4 > len(values) or len(distinct) > 65_536:  # layout 3 writes a position in 2 bytes at most
        return list(values)
    position = {key: index for index, key in enumerate(distinct)}
    return {"values": [value for _, value in distinct], "index": [position[key] for key in keys]}


def _issued_rows(sheet: dict, layout: int) -> tuple[tuple, ...]:
    """The sheet's signed rows as tuples. Layout 2 signs them by field (deflated), so a text that repeats is one
    object in every row holding it, and the rows are made in one pass: a third of layout 1's memory and time.
    Each field's values are made as the rows are (no list per field)."""
    if layout < 2:
        return _as_layout_2(sheet["rows"])
    try:  # isal inflates as zlib does, in 0.4x of its CPU here (a 10,000-member roster: 0.4 ms against 1.0)
        data = isal_zlib.decompress(base64.b64decode(sheet["columns_deflated"], validate=True), -15)
    except isal_zlib.error as error:
        raise ValueError(f"rows not deflated: {error}") from None
    if layout < 3:
        fields = [iter(column) if type(column) is list else map(column["values"].__getitem__, column["index"])
                  for column in _loads(data)]
    else:
        fields = _layout_3_fields(data)
    return tuple(zip(*fields))


def _layout_3_fields(data: bytes) -> list:
    """Each field's values as an iterator over the rows: texts joined by NUL split apart (in half the time JSON
    reads as many strings), positions made the values they point at."""
    text, _, following = data.partition(_BYTES_FOLLOW)
    body = _loads(text)
    count, fields, at = body["rows"], [], 0
    for column in body["columns"]:
        if type(column) is list:
            values = column
        elif "texts" in column:
            size = column["texts"]
            values = following[at:at + size].decode("utf-8", "surrogatepass").split("\x00")
            at += size
        else:
            width = column["width"]
            positions = array(_TYPECODES[width], following[at:at + width * count])
            if _BIG_ENDIAN:
                positions.byteswap()
            at += width * count
            if len(positions) != count:
                raise ValueError("a field of another length")
            fields.append(map(column["values"].__getitem__, positions))
            continue
        if len(values) != count:
            raise ValueError("a field of another length")
        fields.append(iter(values))
    if at != len(following):
        raise ValueError("bytes left over")
    return fields


_TEXT = frozenset({str, type(None)})  # a field whose values are told apart by equality alone
_SINGLETONS = frozenset({bool, type(None)})


def _as_layout_2(rows: list[list]) -> tuple[tuple, ...]:
    """Layout 1's rows (a JSON list per row: a new object for every value) made as layout 2's are: each repeated
    text of a field one object, and every value a copy, so that all the objects of the payload's parse are let
    go with the payload, and their memory with them (17 MB less at the peak of a 30,000-member workbook,
    docs/performance.md, the memory row). Rows of unequal length are taken as they are."""
    if len({len(row) for row in rows}) != 1:
        return tuple(map(tuple, rows))
    columns = []
    for values in zip(*rows):
        distinct = list(dict.fromkeys(values)) if set(map(type, values)) <= _TEXT else values
        if len(distinct) * 4 <= len(values):
            columns.append(list(map(dict(zip(distinct, _copies(distinct))).__getitem__, values)))
        else:
            columns.append(_copies(values))
    return tuple(zip(*columns))


def _copies(values) -> list:
    """New objects equal to JSON values, of the same types: texts split from one joined text (fast), yes/no and
    nothing as they are (one object each, always), else through JSON."""
    types = set(map(type, values))
    if types <= _SINGLETONS:
        return list(values)
    if types == {str} and len(values) > 1:  # one text joined is that text itself, not a copy
        joined = "\x00".join(values)
        if joined.count("\x00") == len(values) - 1:
            return joined.split("\x00")
    return json.loads(json.dumps(list(values), ensure_ascii=False))


def _loads(payload: str | bytes):
    """The payload's JSON (layout 2's deflated columns are UTF-8 that may carry a lone surrogate, as typed)."""
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", "surrogatepass")
    return json.loads(payload)


def sign(payload: str, secret: bytes | str) -> str:
    return hmac.new(_key(secret), payload.encode("ascii"), hashlib.sha256).hexdigest()


def verify(payload: str, signature: str, secret: bytes | str) -> bool:
    return hmac.compare_digest(sign(payload, secret), str(signature).strip().lower())


def meta_rows(meta: WorkbookMeta, secret: bytes | str) -> list[tuple[str, object]]:
    """The metadata sheet's rows (column A key, column B value), readable part first."""
    payload = meta.payload()
    rows: list[tuple[str, object]] = [
        (MARKER, meta.layout),
        ("template_version", meta.template_version),
        ("unit_code", meta.unit_code),
        ("unit_name", meta.unit_name),
        ("cycle_year", meta.cycle_year),
        ("rule_set_id", meta.rule_set_id),
        (SIGNATURE_KEY, sign(payload, secret)),
    ]
    rows += [(PAYLOAD_KEY, payload[at : at + CHUNK_CHARS]) for at in range(0, len(payload), CHUNK_CHARS)]
    return rows


@dataclass(frozen=True)
class SignedMeta:
    """What the metadata sheet says, before its signature is checked."""

    payload: str
    signature: str

    def verified(self, secret: bytes | str) -> bool:
        return verify(self.payload, self.signature, secret)


def signed_meta(rows) -> SignedMeta | None:
    """Collect the payload and signature from the sheet's rows as read; None if it is not our sheet."""
    keyed = [(str(row[0]).strip(), row[1] if len(row) > 1 else "") for row in rows if row and row[0] != ""]
    if not keyed or keyed[0][0] != MARKER:
        return None
    signature = next((str(value) for key, value in keyed if key == SIGNATURE_KEY), "")
    payload = "".join(str(value) for key, value in keyed if key == PAYLOAD_KEY)
    return SignedMeta(payload, signature)


def _key(secret: bytes | str) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _from_iso(text) -> date | None:
    return date.fromisoformat(text) if text else None
