from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer, String, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kdweb.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every engine (SQLite forgets the zone, so put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


ID_MAX = 2**31 - 1  # an INTEGER column: a larger number is no record, not an overflow


def id_from(value) -> int | None:
    """A record id from user text ("12"), or None when it cannot be one (not digits, or too large)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > ID_MAX:
        return None
    return int(text)


class PkModel(db.Model):
    """A table whose rows are known by an integer id."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-10)  # first, as in the migrations


class CycleCoded(PkModel):
    """A row of one cycle's roster, known by a code unique in its cycle (a person, a collective, a post)."""

    __abstract__ = True

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True, sort_order=-9)
    code: Mapped[str] = mapped_column(String(40), sort_order=-8)

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("cycle_id", "code"),)


class UnitVersion(PkModel):
    """One numbered version of a unit's file in a cycle (a workbook issued, a workbook sent)."""

    __abstract__ = True

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True, sort_order=-9)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True, sort_order=-8)
    version: Mapped[int] = mapped_column(Integer, sort_order=-7)

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("cycle_id", "unit_id", "version"),)
