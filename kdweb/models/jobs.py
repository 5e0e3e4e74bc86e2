from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from kdweb.models.base import PkModel, UTCDateTime, utcnow

ACTIVE_STATES = ("queued", "running")


class BulkJob(PkModel):
    """A slow piece of work (a zip of every unit's workbook): its progress, its attempts and, when done, its file.

    The job queue (kdweb/queue.py) only carries the id; this row is the truth, so any app server can report
    progress, serve the result, and see that a worker stopped beating (kdweb/services/jobs.py)."""

    __tablename__ = "bulk_jobs"

    kind: Mapped[str] = mapped_column(String(30))  # templates | approved
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    finished_at = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued, running, done, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    heartbeat_at = mapped_column(UTCDateTime, nullable=True)
    done_count: Mapped[int] = mapped_column(Integer, default=0)
    total_count: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    content = deferred(mapped_column(LargeBinary, nullable=True))

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total_count) if self.total_count else 0

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES
