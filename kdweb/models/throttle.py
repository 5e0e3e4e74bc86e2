from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kdweb.extensions import db
from kdweb.models.base import UTCDateTime, utcnow


class LoginFailure(db.Model):
    """One failed login, by account name and by address: kept in the database so every app server sees it."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, default=utcnow, index=True)
    login: Mapped[str] = mapped_column(String(80), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
