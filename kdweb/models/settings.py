from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kdweb.extensions import db
from kdweb.models.base import PkModel


class Setting(db.Model):
    """A site setting edited by the admin (the superior body's names, letterhead): key and text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class QuotaMark(PkModel):
    """A group the competent level marks outstanding for a cycle (docs/rulebook-366.md, Q-25): one unit's subjects of one kind
    may then reach 25 % HTXSNV instead of 20 %. Issued in the workbook as a signed fact."""

    __tablename__ = "quota_marks"
    __table_args__ = (UniqueConstraint("cycle_id", "unit_id", "subject_kind"),)

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20))  # SubjectKind code

    unit = relationship("Unit")
