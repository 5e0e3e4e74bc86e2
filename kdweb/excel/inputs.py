"""What the template writer is given: the unit, the cycle and the roster (rules records with identity facts)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kdweb.rules.dates import deadline_for_level
from kdweb.rules.records import Subjects

GRASSROOTS = "grassroots"  # a Unit.level code; the other is "district"


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    level: str = GRASSROOTS  # "district" (cấp quận) or "grassroots" (cấp cơ sở)


@dataclass(frozen=True)
class CycleInfo:
    year: int
    rule_set_id: str
    review_date: date | None = None
    grassroots_deadline: date | None = None
    district_deadline: date | None = None
    contact: str = "Ban Tổ chức Quận ủy"  # the superior's staff body (kdweb.superior)
    deciding_body: str = ""
    superior_level: str = "cấp quận"

    def deadline_for(self, unit: UnitInfo) -> date | None:
        return deadline_for_level(unit.level, self.grassroots_deadline, self.district_deadline)


Roster = Subjects  # the subjects a unit rates; each record carries roster facts only (code, name, dates, statuses)
