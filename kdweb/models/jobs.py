from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from kdweb.extensions import db
from kdweb.models.base import UTCDateTime, utcnow


class BulkJob(db.Model):
    """A slow piece of work (a zip of every unit's workbook): its progress and, when done, its file.

    Kept in the database so that any app server can report progress and serve the result."""

    __tablename__ = "bulk_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # templates | approved
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    finished_at = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="running")  # running, done, failed
    done_count: Mapped[int] = mapped_column(Integer, default=0)
    total_count: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    content = deferred(mapped_column(LargeBinary, nullable=True))

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total_count) if self.total_count else 0
