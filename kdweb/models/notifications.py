from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kdweb.models.base import PkModel, UTCDateTime, utcnow


class Notification(PkModel):
    """One message in a user's in-app list: returned, approved, reopened, deadline soon, overdue.

    `once_key` makes a reminder idempotent: `flask remind` run twice a day sends each reminder once."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "once_key"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    kind: Mapped[str] = mapped_column(String(20))  # returned, approved, reopened, deadline_soon, overdue
    text: Mapped[str] = mapped_column(Text)
    once_key: Mapped[str | None] = mapped_column(String(80))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    read_at = mapped_column(UTCDateTime, nullable=True)
    emailed_at = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")
    unit = relationship("Unit")
