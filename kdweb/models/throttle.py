from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kdweb.models.base import PkModel, UTCDateTime, utcnow


class LoginThrottle(PkModel):
    """Failed logins counted per bucket — one account from one address, or one address across accounts — kept
    in the database so every app server sees them, and updated under the row's lock (login_throttle.reserve)."""

    __tablename__ = "login_throttles"

    bucket: Mapped[str] = mapped_column(String(160), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until = mapped_column(UTCDateTime, nullable=True)
    updated_at = mapped_column(UTCDateTime, default=utcnow, index=True)
