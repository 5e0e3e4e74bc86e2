from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kdweb.models.base import CycleCoded


class Person(CycleCoded):
    """A party member on the year's roster, with the statuses that decide how he or she is rated."""

    __tablename__ = "persons"

    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(10))
    cell_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # home chi bộ
    grassroots_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # its tổ chức cơ sở đảng
    probationary: Mapped[bool] = mapped_column(Boolean, default=False)
    admitted_on: Mapped[date | None] = mapped_column(Date)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    committee_suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    transferred_in_on: Mapped[date | None] = mapped_column(Date)
    months_at_old_place: Mapped[int | None] = mapped_column(Integer)
    temporary_cell_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_civil_servant: Mapped[bool] = mapped_column(Boolean, default=False)
    post: Mapped[str | None] = mapped_column(String(200))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    discipline_form: Mapped[str | None] = mapped_column(String(20))  # known discipline in the year, pre-filled
    # the group the competent level counts the HTXSNV quota in (qd366-hd43 ); None: the general rule
    quota_group: Mapped[str | None] = mapped_column(String(100))

    cell = relationship("Unit", foreign_keys=[cell_id])
    grassroots = relationship("Unit", foreign_keys=[grassroots_id])
    temporary_cell = relationship("Unit", foreign_keys=[temporary_cell_id])
    leader_posts = relationship("LeaderPost", back_populates="person")


class Collective(CycleCoded):
    """A leadership collective (tập thể lãnh đạo, quản lý), rated in one reporting unit's workbook."""

    __tablename__ = "collectives"

    name: Mapped[str] = mapped_column(String(200))
    collective_type: Mapped[str] = mapped_column(String(100))
    rated_in_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    leads_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    founded_on: Mapped[date | None] = mapped_column(Date)
    quota_group: Mapped[str | None] = mapped_column(String(100))  # as Person.quota_group

    rated_in = relationship("Unit", foreign_keys=[rated_in_id])
    leads_unit = relationship("Unit", foreign_keys=[leads_unit_id])


class LeaderPost(CycleCoded):
    """A leadership post held by a person (or by a non-member, rated in the collective)."""

    __tablename__ = "leader_posts"

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    equivalent_group: Mapped[str] = mapped_column(String(100))
    rated_in_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    heads_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    heads_collective_id: Mapped[int | None] = mapped_column(ForeignKey("collectives.id"))
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)
    quota_group: Mapped[str | None] = mapped_column(String(100))  # as Person.quota_group

    person = relationship("Person", back_populates="leader_posts")
    rated_in = relationship("Unit", foreign_keys=[rated_in_id])
    heads_unit = relationship("Unit", foreign_keys=[heads_unit_id])
    heads_collective = relationship("Collective")
