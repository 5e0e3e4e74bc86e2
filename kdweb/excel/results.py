"""What reading an upload gives back: refusal or records, findings with cells, and a preview of each sheet."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterator

from kdweb.rules.findings import Finding
from kdweb.rules.parse import display_text
from kdweb.rules.records import UnitBatch
from kdweb.rules.terms import Severity, SubjectKind

from .columns import column_letter
from .locate import Locator
from .metadata import WorkbookMeta
from .problems import Problem


@dataclass(frozen=True, slots=True)
class PreviewCell:
    address: str  # "J12"
    value: object  # as read: str, float, date, bool; None when empty
    text: str  # as shown: dates dd/mm/yyyy, whole numbers without ".0"
    field: str | None  # the column's field key, None for a column we do not read


@dataclass(frozen=True)
class SheetPreview:
    """A subject sheet as uploaded, kept as calamine returned it when the read was asked to keep the values
    (`keep_values=True`); cells are built only when asked for."""

    name: str
    kind: SubjectKind
    header_row: int  # 1-based; 0 when no header row was found
    values: list[list] | None = field(repr=False)  # every row from row 1, '' for an empty cell; None: not kept
    fields: dict[int, str] = field(default_factory=dict)  # 0-based column index → field key
    pinned: tuple[int, ...] = ()  # 0-based indexes of the label columns found from column A on (SheetSpec.label_columns)

    @property
    def header(self) -> list[str]:
        values = self._values()
        row = values[self.header_row - 1] if 0 < self.header_row <= len(values) else []
        return [display_text(value) for value in row]

    def rows(self, start: int = 0, limit: int | None = None) -> Iterator[tuple[int, list[PreviewCell]]]:
        """(row number, cells) for the data rows below the header, blank rows left out."""
        body = self._values()[self.header_row :]
        shown = 0
        for offset, row in enumerate(body[start:], start=self.header_row + 1 + start):
            if not any(value not in ("", None) for value in row):
                continue
            if limit is not None and shown >= limit:
                return
            shown += 1
            yield offset, [self._cell(offset, index, value) for index, value in enumerate(row)]

    def _values(self) -> list[list]:
        if self.values is None:
            raise ValueError(f"the cells of “{self.name}” were not kept: read the upload with keep_values=True")
        return self.values

    def _cell(self, row: int, index: int, value) -> PreviewCell:
        value = None if value == "" else value
        return PreviewCell(f"{column_letter(index + 1)}{row}", value, cell_text(value), self.fields.get(index))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return display_text(value)


class SortedFindings:
    """`errors` and `warnings` of a result's `findings`."""

    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity is Severity.WARNING]


@dataclass
class ReadResult(SortedFindings):
    """`ok` is False only when the file cannot be used at all; then `problem` says why and nothing else is set."""

    ok: bool
    problem: Problem | None = None
    metadata: WorkbookMeta | None = None
    batch: UnitBatch | None = None
    sheets: tuple[SheetPreview, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    locator: Locator | None = None
    rule_set_id: str | None = None

    def sheet(self, name_or_kind) -> SheetPreview | None:
        return next((sheet for sheet in self.sheets if name_or_kind in (sheet.name, sheet.kind)), None)
