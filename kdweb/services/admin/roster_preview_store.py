"""A roster preview computed by a queue job, kept on the job's row as compressed JSON, and read back for the page.

Only what the page shows is kept: for each planned row its row number, code, name and changes (not the values to
write: the import computes its own dry run again); the dates as ISO text."""
import json
import zlib
from datetime import date

from kdweb.models import RosterImport
from kdweb.services.admin.roster_import import Column, Preview
from kdweb.services.admin.roster_mapping import Change, DryRun, FoundingChange, PlannedRow, RowError


def dumps(preview: Preview) -> bytes:
    run = preview.dry_run
    kept = {
        "sheets": preview.sheets, "sheet": preview.sheet, "header_row": preview.header_row,
        "columns": [[column.index, column.letter, column.header, column.samples, column.field_key]
                    for column in preview.columns],
        "mapping": {str(index): key for index, key in preview.mapping.items()}, "problems": preview.problems,
        "dry_run": None if run is None else {
            "added": [_planned(row) for row in run.added], "updated": [_planned(row) for row in run.updated],
            "unchanged": [_planned(row) for row in run.unchanged],
            "errors": [[error.row, error.column, error.header, error.field, error.message] for error in run.errors],
            "not_in_file": run.not_in_file,
            "founded": [[change.unit_id, change.code, change.name, change.old and change.old.isoformat(),
                         change.new.isoformat(), list(change.rows)] for change in run.founded],
            "warnings": [[warning.row, warning.column, warning.header, warning.field, warning.message]
                         for warning in run.warnings],
            "post_warnings": [[warning.row, warning.column, warning.header, warning.field, warning.message]
                              for warning in run.post_warnings],
        },
    }
    return zlib.compress(json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode())


def loads(roster_import: RosterImport, data: bytes) -> Preview:
    kept = json.loads(zlib.decompress(data))
    run = kept["dry_run"]
    return Preview(
        roster_import, kept["sheets"], kept["sheet"], kept["header_row"],
        [Column(*column) for column in kept["columns"]], {int(index): key for index, key in kept["mapping"].items()},
        kept["problems"],
        None if run is None else DryRun(
            [_unplanned(row) for row in run["added"]], [_unplanned(row) for row in run["updated"]],
            [_unplanned(row) for row in run["unchanged"]], [RowError(*error) for error in run["errors"]],
            run["not_in_file"],
            [FoundingChange(unit_id, code, name, old and date.fromisoformat(old), date.fromisoformat(new), tuple(rows))
             for unit_id, code, name, old, new, rows in run["founded"]],
            [RowError(*warning) for warning in run.get("warnings", [])],
            [RowError(*warning) for warning in run.get("post_warnings", [])]),
    )


def _planned(row: PlannedRow) -> list:
    return [row.row, row.code, row.full_name, row.action, [[change.field, change.old, change.new]
                                                          for change in row.changes]]


def _unplanned(kept: list) -> PlannedRow:
    number, code, full_name, action, changes = kept
    return PlannedRow(number, code, full_name, action, {}, changes=[Change(*change) for change in changes])
