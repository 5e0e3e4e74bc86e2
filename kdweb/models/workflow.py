from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kdweb.deadlines import late_now
from kdweb.models.base import PkModel, UTCDateTime, utcnow


class UnitCycle(PkModel):
    """A reporting unit's place in a cycle: one row, so the dashboard reads every unit in one query."""

    __tablename__ = "unit_cycles"
    __table_args__ = (UniqueConstraint("cycle_id", "unit_id"),)

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="not_downloaded")
    latest_upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    valid_upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    first_downloaded_at = mapped_column(UTCDateTime, nullable=True)
    last_activity_at = mapped_column(UTCDateTime, nullable=True)
    roster_changed_at = mapped_column(UTCDateTime, nullable=True)  # an admin changed this unit's roster then
    # Optimistic lock: every state change bumps it, so two racing changes leave one outcome.
    revision: Mapped[int] = mapped_column(Integer, default=0)

    unit = relationship("Unit")
    cycle = relationship("Cycle")
    latest_upload = relationship("Upload", foreign_keys=[latest_upload_id])
    valid_upload = relationship("Upload", foreign_keys=[valid_upload_id])
    submission = relationship("Submission", foreign_keys=[submission_id])

    __mapper_args__ = {"version_id_col": revision}


class Submission(PkModel):
    __tablename__ = "submissions"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    warnings_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="submitted")  # submitted, returned, approved

    upload = relationship("Upload")
    submitted_by = relationship("User")
    reviews = relationship("Review", back_populates="submission", order_by="Review.created_at")

    def late_against(self, deadline) -> bool:
        """Late as every page says it, with the deadline as it stands now (kdweb.deadlines.late_now)."""
        return late_now(deadline, self.submitted_at, self.late)


class Review(PkModel):
    __tablename__ = "reviews"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))  # approve, return, reopen
    comment: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    submission = relationship("Submission", back_populates="reviews")
    reviewer = relationship("User")
