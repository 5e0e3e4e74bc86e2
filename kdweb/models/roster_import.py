from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from kdweb.models.base import PkModel, UTCDateTime, utcnow


class RosterImport(PkModel):
    """A roster file an admin sent for a cycle: its bytes are kept from the dry run to the import, and after."""

    __tablename__ = "roster_imports"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    applied_at = mapped_column(UTCDateTime, nullable=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content = deferred(mapped_column(LargeBinary))
    state: Mapped[str] = mapped_column(String(20), default="preview")  # preview → applied
    mapping_json: Mapped[str | None] = mapped_column(Text)  # the mapping the import was applied with
    added_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)

    cycle = relationship("Cycle")
    user = relationship("User")
