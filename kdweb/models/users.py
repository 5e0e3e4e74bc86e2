from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from kdweb.domain import Role
from kdweb.models.base import PkModel, UTCDateTime


class User(UserMixin, PkModel):
    __tablename__ = "users"

    login: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change: every session carrying the old value is logged out.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at = mapped_column(UTCDateTime, nullable=True)
    # Where notifications are mailed when an SMTP server is configured; none means in-app only.
    email: Mapped[str | None] = mapped_column(String(200))

    unit = relationship("Unit")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
