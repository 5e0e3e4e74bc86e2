"""The numbers of one report row, and the identities every row obeys (RULES.md §6)."""
from __future__ import annotations

from dataclasses import dataclass, fields

from .vocabulary import LEVELS, MEASURES, REASONS


@dataclass(frozen=True)
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
    def from_measures(cls, values: dict[str, int]) -> Counts:
        return cls(**{_field(measure): int(values.get(measure) or 0) for measure in MEASURES})

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def get(self, measure: str) -> int:
        return getattr(self, _field(measure))

    def broken_identities(self) -> list[str]:
        """The identities of RULES.md §6 this row breaks; empty when it adds up."""
        broken = []
        if self.roster != self.rated + self.not_rated:
            broken.append("roster = rated + not rated")
        if self.rated != sum(self.get(level) for level in LEVELS):
            broken.append("rated = HTXSNV + HTTNV + HTNV + KHTNV")
        if self.not_rated != sum(self.get(reason) for reason in REASONS):
            broken.append("not rated = sum of the reasons")
        if self.disciplined > self.rated:
            broken.append("disciplined ≤ rated")
        return broken


def _field(measure: str) -> str:
    return measure.lower()
