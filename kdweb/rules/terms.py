"""The rule book's words (levels, grades, discipline forms, reasons, subject kinds, organisation kinds), as the
rules use them: they are defined once, with their texts, in `kdweb.domain`."""
from kdweb.domain import (
    NOT_RATED_TEXT, ORGANISATION_KINDS, Discipline, Grade, Level, NotRatedReason, QuotaBase, QuotaScope, Severity,
    SubjectKind, UnitKind,
)

__all__ = ["NOT_RATED_TEXT", "ORGANISATION_KINDS", "Discipline", "Grade", "Level", "NotRatedReason", "QuotaBase",
           "QuotaScope", "Severity", "SubjectKind", "UnitKind"]
