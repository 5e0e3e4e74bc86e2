"""The aggregated district report as pure Python (docs/rulebook.md §6): counts in, table rows with percentages out.

No Flask and no SQLAlchemy here; `kdweb.services.reports` does the counting in SQL and hands over `Counts`.
"""
from .charts import Bar, Chart, Segment, level_bars
from .counts import Counts, ScoreStats
from .percent import percent
from .selection import Selection, UnknownSelection, measure_from_query, measure_query
from .tables import (
    KindTable, MissingUnit, RatedTwice, Report, ReportedUnit, TableRow, UnitCounts, build_report, with_previous,
)
from .vocabulary import (
    BASES, BASIS_TEXTS, DEFAULT_BASIS, KIND_TEXTS, LEVEL_TEXTS, LEVELS, MEASURES, NULL_GROUP, REASONS,
    SUBJECT_KINDS, group_key, group_label, measure_label, rating_group_label, reason_label,
)

__all__ = [
    "BASES", "BASIS_TEXTS", "Bar", "Chart", "Counts", "ScoreStats", "DEFAULT_BASIS", "KIND_TEXTS", "KindTable", "LEVELS", "LEVEL_TEXTS",
    "MEASURES", "MissingUnit", "NULL_GROUP", "RatedTwice", "REASONS", "Report", "ReportedUnit", "SUBJECT_KINDS", "Segment", "Selection", "UnknownSelection",
    "TableRow", "UnitCounts", "build_report", "group_key", "group_label", "level_bars", "measure_from_query", "measure_label", "measure_query", "percent",
    "rating_group_label", "reason_label", "with_previous",
]
