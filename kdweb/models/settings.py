from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kdweb.extensions import db


class Setting(db.Model):
    """A site setting edited by the admin (the superior body's names, letterhead): key and text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
