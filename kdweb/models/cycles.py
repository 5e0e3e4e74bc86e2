from datetime import date

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kdweb.models.base import PkModel, UTCDateTime
from kdweb.rules.dates import deadline_for_level


class Cycle(PkModel):
    """The yearly review (đợt): its rule set and its two deadlines."""

    __tablename__ = "cycles"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    rule_set_id: Mapped[str] = mapped_column(String(40))
    review_date: Mapped[date] = mapped_column(Date)
    grassroots_deadline: Mapped[date] = mapped_column(Date)
    district_deadline: Mapped[date] = mapped_column(Date)
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at = mapped_column(UTCDateTime, nullable=True)
    closed_at = mapped_column(UTCDateTime, nullable=True)

    def deadline_for(self, unit) -> date:
        return deadline_for_level(unit.level, self.grassroots_deadline, self.district_deadline)
