from sqlalchemy import Float, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from kdweb.models.base import PkModel, UTCDateTime


class DistrictCheck(PkModel):
    """The district-wide checks of a cycle as a queue job last computed them (kdweb/services/checks_store.py), so
    the checks page reads one row instead of every rating of the city.

    `basis_event_id` is the last audit event the computation saw: a later event of a kind that matters means the
    stored result is behind and a recomputation is due."""

    __tablename__ = "district_checks"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), unique=True)
    computed_at = mapped_column(UTCDateTime)
    basis_event_id: Mapped[int] = mapped_column(Integer, default=0)
    unit_count: Mapped[int] = mapped_column(Integer, default=0)
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    cpu_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    findings_json = deferred(mapped_column(Text))  # the findings, in the page's order
    names_json: Mapped[str] = mapped_column(Text)  # unit code → name
