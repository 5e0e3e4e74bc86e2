from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kdweb.domain import UnitKind, UnitLevel
from kdweb.models.base import PkModel


class Unit(PkModel):
    """A party organisation of the tree: the district, a grassroots organisation, or one of its parts."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(20))
    group: Mapped[str | None] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    reports: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    quota_group: Mapped[str | None] = mapped_column(String(100))  # as Person.quota_group, when rated as an organisation
    founded_on: Mapped[date | None] = mapped_column(Date)  # ngày thành lập: O-NEW for one founded < 6 months
    # Units change (the 2025 reorganisation merged and dissolved many): a unit exists from `valid_from` to
    # `valid_to` (inclusive, open when None); one that was merged or renamed names the unit that took it over.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    parent = relationship("Unit", remote_side="Unit.id", back_populates="children", foreign_keys=[parent_id])
    children = relationship("Unit", back_populates="parent", order_by="Unit.sort_order", foreign_keys=[parent_id])
    successor = relationship("Unit", remote_side="Unit.id", foreign_keys=[successor_id])

    def valid_on(self, day: date | None) -> bool:
        """Whether the unit exists on that day (every unit does when the day is unknown)."""
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @classmethod
    def valid_on_clause(cls, day, unit=None):
        """`valid_on` as SQL, `day` a date or a date column (a cycle's review date); `unit` an alias of Unit."""
        unit = unit if unit is not None else cls
        return and_(or_(unit.valid_from.is_(None), unit.valid_from <= day),
                    or_(unit.valid_to.is_(None), unit.valid_to >= day))

    @classmethod
    def expected_clause(cls, day, unit=None, is_open=True):
        """`expected_in` as SQL: a reporting unit, active, valid on `day` (a date or a date column). Whether it
        reports and is active is how things stand now, so it counts for the open cycle only (`is_open`, a bool or
        a cycle's column): a closed cycle keeps the units it expected then (docs/design.md "Units that change")."""
        unit = unit if unit is not None else cls
        now = and_(unit.reports.is_(True), unit.active.is_(True))
        if isinstance(is_open, bool):
            return and_(now, cls.valid_on_clause(day, unit)) if is_open else cls.valid_on_clause(day, unit)
        return and_(or_(is_open.is_(False), now), cls.valid_on_clause(day, unit))

    def expected_in(self, cycle) -> bool:
        """Whether the cycle expects a report from this unit: a reporting unit, active, valid at its review date."""
        return bool(self.reports and self.active and self.valid_on(cycle.review_date))

    @property
    def kind_enum(self) -> UnitKind:
        return UnitKind(self.kind)

    @property
    def level_enum(self) -> UnitLevel:
        return UnitLevel(self.level)

    def __repr__(self):
        return f"<Unit {self.code}>"
