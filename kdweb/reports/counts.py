"""The numbers of one report row (docs/rulebook.md §6; tests/reports/test_tables.py checks that every row obeys the
section's identities)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from operator import add, attrgetter

from .vocabulary import LEVELS, MEASURES


@dataclass(frozen=True, slots=True)
class Counts:
    roster: int = 0
    rated: int = 0
    htxsnv: int = 0
    httnv: int = 0
    htnv: int = 0
    khtnv: int = 0
    not_rated: int = 0
    exempt: int = 0
    suspended: int = 0
    new: int = 0
    temporary: int = 0
    other: int = 0
    disciplined: int = 0

    @classmethod
    def from_row(cls, values) -> Counts:
        """From numbers in the order of MEASURES (which is the order of the fields)."""
        return cls(*(int(value or 0) for value in values))

    def __add__(self, other: Counts) -> Counts:
        return Counts(*map(add, _values(self), _values(other)))

    def get(self, measure: str) -> int:
        return getattr(self, _field(measure))


def _field(measure: str) -> str:
    return measure.lower()


_FIELDS = tuple(f.name for f in fields(Counts))
assert _FIELDS == tuple(_field(measure) for measure in MEASURES), "Counts fields must follow MEASURES"
_values = attrgetter(*_FIELDS)


@dataclass(frozen=True, slots=True)
class ScoreStats:
    """The scores of a row under a scored rule set: how many carry a score, their sum, counts per band, and the
    subjects whose forced KHTNV the unit asks the competent level to waive (S-DISCRETION warnings: decisions)."""

    scored: int = 0
    total: Decimal = Decimal(0)
    band_counts: tuple[int, ...] = (0, 0, 0, 0)  # in the order of LEVELS
    discretion: int = 0

    @property
    def bands(self) -> dict[str, int]:
        return dict(zip(LEVELS, self.band_counts))

    def __add__(self, other: ScoreStats) -> ScoreStats:
        return ScoreStats(self.scored + other.scored, self.total + other.total,
                          tuple(map(add, self.band_counts, other.band_counts)), self.discretion + other.discretion)

    @property
    def mean(self) -> Decimal | None:
        if not self.scored:
            return None
        return (Decimal(self.total) / self.scored).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
