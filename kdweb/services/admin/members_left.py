"""Members of the open cycle's roster left in an organisation that is out of force at its review date (deactivated,
merged or dissolved before it, or valid only after it). Nothing refuses this: dissolving or merging a populated
unit is a normal step of the district's year, often done before the roster is imported again. The admin is told,
in the confirmation and on the units page until it is resolved, how many remain and where and how to move them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import not_, or_

from kdweb.extensions import db
from kdweb.models import Person, Unit
from kdweb.services.cycles import open_cycle

HOW_TO_MOVE = "nhập lại danh sách đảng viên với chi bộ mới của họ (Quản trị → Danh sách đảng viên)"
HOW_TO_MOVE_CELLS = "chuyển các chi bộ trực thuộc sang đơn vị khác (sửa “Đơn vị cấp trên” của chi bộ), hoặc "


@dataclass(frozen=True)
class LeftBehind:
    """An organisation out of force at the cycle's review date and the members of the cycle's roster still in it
    (as their chi bộ, their chi bộ of temporary activity, or their tổ chức cơ sở đảng)."""
    unit: Unit
    members: int
    in_cells: bool  # some of them are in chi bộ under it, which can be moved under another unit
    year: int
    review_date: date

    @property
    def why(self) -> str:
        unit = self.unit
        if not unit.active:
            return "đã ngừng hoạt động"
        if unit.valid_to is not None and unit.valid_to < self.review_date:
            return f"hết hiệu lực trước ngày đánh giá {self.review_date:%d/%m/%Y} (ngày cuối {unit.valid_to:%d/%m/%Y})"
        return f"chỉ có hiệu lực từ {unit.valid_from:%d/%m/%Y}, sau ngày đánh giá {self.review_date:%d/%m/%Y}"

    @property
    def move_to(self) -> str:
        successor = self.unit.successor
        return f"đơn vị kế thừa “{successor.name}”" if successor is not None else "chi bộ khác"

    @property
    def how(self) -> str:
        return (HOW_TO_MOVE_CELLS if self.in_cells else "") + HOW_TO_MOVE

    @property
    def message(self) -> str:
        return (f"Còn {self.members} đảng viên trong danh sách đợt {self.year} sinh hoạt tại “{self.unit.name}”"
                f"{' và các chi bộ trực thuộc' if self.in_cells else ''}, đơn vị {self.why}. "
                f"Hãy chuyển họ sang {self.move_to}: {self.how}.")


def left_in(unit: Unit) -> LeftBehind | None:
    """The members left in `unit`, if it is out of force at the open cycle's review date and still holds some."""
    cycle = open_cycle()
    if cycle is None or (unit.active and unit.valid_on(cycle.review_date)):
        return None
    found = _left_behind(cycle, [unit.id])
    return found[0] if found else None


def left_everywhere() -> list[LeftBehind]:
    """Every organisation out of force at the open cycle's review date that still holds members of its roster,
    by code: what the units page keeps showing until they are moved."""
    cycle = open_cycle()
    if cycle is None:
        return []
    out_of_force = db.session.execute(
        db.select(Unit.id).where(or_(Unit.active.is_(False), not_(Unit.valid_on_clause(cycle.review_date))))
    ).scalars().all()
    return _left_behind(cycle, out_of_force) if out_of_force else []


def left_out_by(cycle, earlier_review_date: date) -> list[LeftBehind]:
    """After the open cycle's review date moved: the organisations in force at the earlier date, not at the new
    one, that hold members of its roster."""
    if not cycle.is_open or cycle.review_date == earlier_review_date:
        return []
    return [left for left in left_everywhere() if left.unit.active and left.unit.valid_on(earlier_review_date)]


def _left_behind(cycle, unit_ids: list[int]) -> list[LeftBehind]:
    ids = set(unit_ids)
    rows = db.session.execute(
        db.select(Person.id, Person.cell_id, Person.temporary_cell_id, Person.grassroots_id)
        .where(Person.cycle_id == cycle.id, or_(Person.cell_id.in_(ids), Person.temporary_cell_id.in_(ids),
                                                Person.grassroots_id.in_(ids)))).all()
    members: dict[int, set[int]] = {}
    in_cells: set[int] = set()
    for person_id, cell_id, temporary_cell_id, grassroots_id in rows:
        for unit_id in {cell_id, temporary_cell_id, grassroots_id} & ids:
            members.setdefault(unit_id, set()).add(person_id)
        if grassroots_id in ids and cell_id != grassroots_id:
            in_cells.add(grassroots_id)
    units = {unit.id: unit for unit in db.session.execute(db.select(Unit).where(Unit.id.in_(members))).scalars()}
    return sorted((LeftBehind(units[unit_id], len(people), unit_id in in_cells, cycle.year, cycle.review_date)
                   for unit_id, people in members.items()), key=lambda left: left.unit.code)


def review_date_message(cycle, left: list[LeftBehind]) -> str:
    """What moving the review date left behind, in one flash."""
    if len(left) == 1:
        return left[0].message
    named = "; ".join(f"“{item.unit.name}” ({item.unit.code}, {item.members} đảng viên, chuyển sang "
                      f"{item.move_to})" for item in left[:5]) + ("…" if len(left) > 5 else "")
    return (f"Ngày đánh giá {cycle.review_date:%d/%m/%Y} nằm ngoài thời gian hiệu lực của {len(left)} đơn vị còn "
            f"đảng viên trong danh sách đợt {cycle.year}: {named}. Hãy chuyển họ: {HOW_TO_MOVE}, hoặc "
            "chuyển các chi bộ trực thuộc sang đơn vị khác.")
