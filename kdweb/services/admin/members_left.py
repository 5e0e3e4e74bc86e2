"""Members of the open cycle's roster left in an organisation that is out of force at its review date (deactivated,
merged or dissolved before it, or valid only after it). Nothing refuses this: dissolving or merging a populated
unit is a normal step of the district's year, often done before the roster is imported again. The admin is told,
in the confirmation and on the units page until it is resolved, how many remain and where and how to move them.

The open cycle's leader posts and leadership collectives that are rated in such a unit, or head or lead it, are
named with them: they would still be issued and rated as if the unit existed. The roster import does not touch them;
the leadership page of the unit that rates them ends them or adds them again tied to another unit
(services/admin/leadership.py), so the admin is sent there."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import not_, or_

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, Unit
from kdweb.services.cycles import open_cycle

HOW_TO_MOVE = "nhập lại danh sách đảng viên với chi bộ mới của họ (Quản trị → Danh sách đảng viên)"
HOW_TO_MOVE_CELLS = "chuyển các chi bộ trực thuộc sang đơn vị khác (sửa “Đơn vị cấp trên” của chi bộ), hoặc "
HOW_TO_MOVE_LEADERSHIP = ("việc nhập danh sách đảng viên không thay đổi chúng; ở trang “Lãnh đạo và tập thể lãnh đạo” của "
                          "đơn vị đánh giá chúng (Quản trị → Cây đơn vị → Sửa), hãy bỏ chúng khỏi đợt, hoặc thêm lại "
                          "gắn với {move_to} rồi bỏ cái cũ, trước khi phát hành biểu mẫu")
NAMED = 5  # leader posts or collectives named per unit; the rest are counted


@dataclass(frozen=True)
class LeftBehind:
    """An organisation out of force at the cycle's review date and the members of the cycle's roster still in it
    (as their chi bộ, their chi bộ of temporary activity, or their tổ chức cơ sở đảng)."""
    unit: Unit
    members: int
    in_cells: bool  # some of them are in chi bộ under it, which can be moved under another unit
    year: int
    review_date: date
    collectives: tuple[str, ...] = ()  # the open cycle's collectives rated in it or leading it, described
    posts: tuple[str, ...] = ()  # its leader posts rated in it or heading it, described

    @property
    def leadership(self) -> str:
        """The collectives and posts still tied to the unit, named (the first few of each), or ''."""
        parts = [f"{len(items)} {noun} ({_named(items)})"
                 for items, noun in ((self.collectives, "tập thể lãnh đạo"), (self.posts, "chức vụ lãnh đạo"))
                 if items]
        return " và ".join(parts)

    @property
    def counted(self) -> str:
        """What is left, counted: '20 đảng viên, 2 chức vụ lãnh đạo'."""
        return ", ".join(f"{count} {noun}" for count, noun in (
            (self.members, "đảng viên"), (len(self.collectives), "tập thể lãnh đạo"),
            (len(self.posts), "chức vụ lãnh đạo")) if count)

    @property
    def how_leadership(self) -> str:
        return HOW_TO_MOVE_LEADERSHIP.format(move_to=self.move_to)

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
        text = ""
        if self.members:
            text = (f"Còn {self.members} đảng viên trong danh sách đợt {self.year} sinh hoạt tại “{self.unit.name}”"
                    f"{' và các chi bộ trực thuộc' if self.in_cells else ''}, đơn vị {self.why}. "
                    f"Hãy chuyển họ sang {self.move_to}: {self.how}.")
        if self.leadership:
            text += (f"{' ' if text else ''}Đợt {self.year} còn {self.leadership} gắn với “{self.unit.name}”"
                     f"{'' if text else f', đơn vị {self.why}'}: "
                     f"{self.how_leadership}.")
        return text


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


def _named(items: tuple[str, ...]) -> str:
    return "; ".join(items[:NAMED]) + (f"; và {len(items) - NAMED} mục khác" if len(items) > NAMED else "")


def _role(rated_here: bool, leads_here: bool, leads: str) -> str:
    return " và ".join(role for role, here in (("được đánh giá tại đơn vị", rated_here), (leads, leads_here)) if here)


def _leadership(cycle, ids: set[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The open cycle's collectives and leader posts tied to the units `ids`, described, by unit: one query each."""
    collectives = db.session.execute(
        db.select(Collective.name, Collective.rated_in_id, Collective.leads_unit_id)
        .where(Collective.cycle_id == cycle.id, or_(Collective.rated_in_id.in_(ids), Collective.leads_unit_id.in_(ids)))
        .order_by(Collective.code))
    posts = db.session.execute(
        db.select(LeaderPost.title, Person.full_name, LeaderPost.rated_in_id, LeaderPost.heads_unit_id)
        .join(Person, LeaderPost.person_id == Person.id)
        .where(LeaderPost.cycle_id == cycle.id, or_(LeaderPost.rated_in_id.in_(ids), LeaderPost.heads_unit_id.in_(ids)))
        .order_by(LeaderPost.code))
    return (_by_unit(((f"“{name}”", rated, leads) for name, rated, leads in collectives), ids, "lãnh đạo đơn vị"),
            _by_unit(((f"{title} – {holder}", rated, heads) for title, holder, rated, heads in posts), ids,
                     "đứng đầu đơn vị"))


def _by_unit(rows, ids: set[int], leading: str) -> dict[int, list[str]]:
    """(label, unit rated in, unit led) rows → each unit of `ids` tied to them: its labels with their role there,
    those that lead it first."""
    found: dict[int, list[tuple[bool, str]]] = {}
    for label, rated_in_id, leads_id in rows:
        for unit_id in {rated_in_id, leads_id} & ids:
            role = _role(rated_in_id == unit_id, leads_id == unit_id, leading)
            found.setdefault(unit_id, []).append((leads_id != unit_id, f"{label}, {role}"))
    return _heads_first(found)


def _heads_first(found: dict[int, list[tuple[bool, str]]]) -> dict[int, list[str]]:
    """Those leading or heading the unit first (what the admin looks for), the rest in code order."""
    return {unit_id: [text for _, text in sorted(items, key=lambda item: item[0])] for unit_id, items in found.items()}


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
    collectives, posts = _leadership(cycle, ids)
    found = set(members) | set(collectives) | set(posts)
    units = {unit.id: unit for unit in db.session.execute(db.select(Unit).where(Unit.id.in_(found))).scalars()}
    return sorted((LeftBehind(units[unit_id], len(members.get(unit_id, ())), unit_id in in_cells, cycle.year,
                              cycle.review_date, tuple(collectives.get(unit_id, ())), tuple(posts.get(unit_id, ())))
                   for unit_id in found), key=lambda left: left.unit.code)


def review_date_message(cycle, left: list[LeftBehind]) -> str:
    """What moving the review date left behind, in one flash."""
    if len(left) == 1:
        return left[0].message
    named = "; ".join(f"“{item.unit.name}” ({item.unit.code}, {item.counted}, chuyển sang "
                      f"{item.move_to})" for item in left[:5]) + ("…" if len(left) > 5 else "")
    return (f"Ngày đánh giá {cycle.review_date:%d/%m/%Y} nằm ngoài thời gian hiệu lực của {len(left)} đơn vị còn "
            f"đảng viên hoặc chức vụ, tập thể lãnh đạo của đợt {cycle.year}: {named}. Hãy chuyển đảng viên: "
            f"{HOW_TO_MOVE}, hoặc chuyển các chi bộ trực thuộc sang đơn vị khác"
            + (f"; về chức vụ và tập thể lãnh đạo: {HOW_TO_MOVE_LEADERSHIP.format(move_to='đơn vị kế thừa')}"
               if any(item.leadership for item in left) else "") + ".")
