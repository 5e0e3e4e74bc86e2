"""The open cycle's leader posts and leadership collectives rated in a unit: who holds a post, what a collective is
called, which there are. After a congress a post passes to another person, a collective is renamed, one is set up or
ends; the roster import does not touch them, so the admin records it here. Only the open cycle's rows change: each
cycle has its own copy (services/admin/cycles.py copies them), so ending one keeps it in the years before.

Any member on the open cycle's roster may hold a post, whatever his or her organisation: posts rated at district level
are held by members of the grassroots organisations (docs/rulebook.md §2, "Leaders and managers at every level"). A
change keeps the post's or collective's code, so the digest of the roster misses it: the unit's roster is marked as
changed, and an upload of a workbook issued before is checked against the new names (`roster.renamed`).

A member's roster post text (`Person.post`, the member sheet's "Chức vụ", the roster browse and export) follows
the posts he or she takes or leaves here (`post_text`); the rosters of the units that list the member (his or her
own, and where in temporary activity) are marked changed too."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, Unit
from kdweb.models.base import id_from
from kdweb.rules import parse_date
from kdweb.services import audit
from kdweb.services.admin import AdminRefusal
from kdweb.services.admin.post_text import with_post, without_post
from kdweb.services.cycles import open_cycle
from kdweb.services.roster import mark_roster_changed, units_listing_members
from kdweb.services.transaction import use_case

NAME_MAX = 200
CODE_MAX = 40


@dataclass(frozen=True)
class Leadership:
    """A unit's leader posts (with their holders) and collectives in the open cycle, by code; `year` None when no
    cycle is open."""

    year: int | None
    posts: tuple[LeaderPost, ...] = ()
    collectives: tuple[Collective, ...] = ()


def leadership_of(unit: Unit) -> Leadership:
    cycle = open_cycle()
    if cycle is None:
        return Leadership(None)
    posts = db.session.execute(
        db.select(LeaderPost).join(Person, LeaderPost.person_id == Person.id)
        .where(LeaderPost.cycle_id == cycle.id, LeaderPost.rated_in_id == unit.id).order_by(LeaderPost.code)
    ).scalars().all()
    collectives = db.session.execute(
        db.select(Collective).where(Collective.cycle_id == cycle.id, Collective.rated_in_id == unit.id)
        .order_by(Collective.code)).scalars().all()
    return Leadership(cycle.year, tuple(posts), tuple(collectives))


def post_in(unit: Unit, code: str) -> LeaderPost | None:
    """The open cycle's post of that code, rated in `unit` (None otherwise)."""
    return _rated_in(LeaderPost, unit, code)


def collective_in(unit: Unit, code: str) -> Collective | None:
    """The open cycle's collective of that code, rated in `unit` (None otherwise)."""
    return _rated_in(Collective, unit, code)


def _rated_in(model, unit: Unit, code: str):
    cycle = open_cycle()
    if cycle is None:
        return None
    return db.session.execute(db.select(model).filter_by(cycle_id=cycle.id, rated_in_id=unit.id, code=code)
                              ).scalar_one_or_none()


@use_case
def change_holder(actor, post: LeaderPost, member_code: str) -> LeaderPost:
    """Give the post to the member of the open cycle's roster with that code."""
    holder = _member(post.cycle_id, member_code)
    if holder.id == post.person_id:
        raise AdminRefusal(f"{holder.full_name} ({holder.code}) đang giữ chức vụ này.")
    before = post.person
    post.person = holder
    db.session.flush()
    texts = {**_post_left(post, before), **_post_taken(post, holder)}
    _changed(actor, "leader_post_holder_changed", post, title=post.title,
             members=_told(texts, former=before, holder=holder), before=f"{before.full_name} ({before.code})",
             after=f"{holder.full_name} ({holder.code})", **texts)
    return post


@use_case
def rename_collective(actor, collective: Collective, name: str) -> Collective:
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise AdminRefusal(f"Tên tập thể lãnh đạo bắt buộc, tối đa {NAME_MAX} ký tự.")
    if name == collective.name:
        raise AdminRefusal("Tên mới giống tên hiện tại.")
    before, collective.name = collective.name, name
    _changed(actor, "collective_renamed", collective, before=before, after=name)
    return collective


QUOTA_GROUP_MAX = 100


@use_case
def set_quota_group(actor, record: LeaderPost | Collective, group: str) -> LeaderPost | Collective:
    """The group the competent level counts the post's or the collective's HTXSNV quota in (qd366-hd43 Q-20/Q-25);
    blank: the general rule. The unit's workbook signs it, so its roster is marked changed."""
    group = " ".join((group or "").split()) or None
    if group and len(group) > QUOTA_GROUP_MAX:
        raise AdminRefusal(f"Tên nhóm tính tỷ lệ tối đa {QUOTA_GROUP_MAX} ký tự.")
    if group == record.quota_group:
        raise AdminRefusal("Nhóm tính tỷ lệ không thay đổi.")
    before, record.quota_group = record.quota_group, group
    _changed(actor, "quota_group_changed", record, before=before, after=group)
    return record


@use_case
def end_post(actor, post: LeaderPost) -> None:
    """Take the post off the open cycle's roster; the cycles before keep their own copy."""
    holder = post.person
    db.session.delete(post)
    db.session.flush()
    texts = _post_left(post, holder)
    _changed(actor, "leader_post_ended", post, title=post.title, members=_told(texts, former=holder),
             before=f"{holder.full_name} ({holder.code})", **texts)


@use_case
def end_collective(actor, collective: Collective) -> None:
    """Take the collective off the open cycle's roster, unless a post still heads it."""
    heads = db.session.execute(db.select(LeaderPost.title).filter_by(heads_collective_id=collective.id)
                               .order_by(LeaderPost.code)).scalars().all()
    if heads:
        raise AdminRefusal(f"Chức vụ “{heads[0]}”{f' và {len(heads) - 1} chức vụ khác' if len(heads) > 1 else ''} "
                           "đứng đầu tập thể này: hãy bỏ chức vụ đó trước.")
    db.session.delete(collective)
    _changed(actor, "collective_ended", collective, before=collective.name)


def places_for(unit: Unit) -> list[Unit]:
    """What a post added to the unit may head, or a collective added to it may lead: the unit and its active parts."""
    return [unit, *(child for child in unit.children if child.active)]


def collectives_for(unit: Unit) -> list[Collective]:
    """The open cycle's collectives a post added to the unit may head: rated in the unit or one of its parts."""
    cycle = open_cycle()
    if cycle is None:
        return []
    ids = [place.id for place in places_for(unit)]
    return db.session.execute(db.select(Collective).where(Collective.cycle_id == cycle.id,
                                                          Collective.rated_in_id.in_(ids))
                              .order_by(Collective.code)).scalars().all()


def groups_in_cycle() -> tuple[list[str], list[str]]:
    """The open cycle's groups of equivalent posts and its collective types, to choose from (a new one may be typed)."""
    cycle = open_cycle()
    if cycle is None:
        return [], []
    groups = db.session.execute(db.select(LeaderPost.equivalent_group).filter_by(cycle_id=cycle.id).distinct()
                                .order_by(LeaderPost.equivalent_group)).scalars().all()
    types = db.session.execute(db.select(Collective.collective_type).filter_by(cycle_id=cycle.id).distinct()
                               .order_by(Collective.collective_type)).scalars().all()
    return list(groups), list(types)


def quota_groups_in_cycle() -> list[str]:
    """The quota groups the open cycle's posts and collectives are given, to choose from (a new one may be typed)."""
    cycle = open_cycle()
    if cycle is None:
        return []
    named = {group for model in (LeaderPost, Collective) for group in db.session.execute(
        db.select(model.quota_group).filter_by(cycle_id=cycle.id).where(model.quota_group.is_not(None)).distinct()
    ).scalars()}
    return sorted(named)


@use_case
def add_post(actor, unit: Unit, *, code: str, title: str, group: str, member_code: str, heads_unit_id: str = "",
             heads_collective_id: str = "") -> LeaderPost:
    cycle = _open_cycle_or_refuse()
    code = _new_code(LeaderPost, cycle, code, "chức vụ")
    title = _text(title, "Tên chức vụ", NAME_MAX)
    group = _text(group, "Nhóm chức vụ tương đương", 100)
    holder = _member(cycle.id, member_code)
    heads_unit = _chosen(heads_unit_id, {place.id: place for place in places_for(unit)}, "Đứng đầu đơn vị")
    heads_collective = _chosen(heads_collective_id, {c.id: c for c in collectives_for(unit)}, "Đứng đầu tập thể")
    post = LeaderPost(cycle_id=cycle.id, code=code, title=title, equivalent_group=group, person_id=holder.id,
                      rated_in_id=unit.id, heads_unit_id=heads_unit.id if heads_unit else None,
                      heads_collective_id=heads_collective.id if heads_collective else None, is_head=True)
    db.session.add(post)
    db.session.flush()
    texts = _post_taken(post, holder)
    _changed(actor, "leader_post_added", post, title=title, members=_told(texts, holder=holder),
             after=f"{holder.full_name} ({holder.code})", **texts)
    return post


@use_case
def add_collective(actor, unit: Unit, *, code: str, name: str, collective_type: str, leads_unit_id: str = "",
                   founded_on: str = "") -> Collective:
    cycle = _open_cycle_or_refuse()
    code = _new_code(Collective, cycle, code, "tập thể")
    name = _text(name, "Tên tập thể lãnh đạo", NAME_MAX)
    collective_type = _text(collective_type, "Loại tập thể", 100)
    leads = _chosen(leads_unit_id, {place.id: place for place in places_for(unit)}, "Lãnh đạo đơn vị")
    founded = _founding_date(founded_on)
    collective = Collective(cycle_id=cycle.id, code=code, name=name, collective_type=collective_type,
                            rated_in_id=unit.id, leads_unit_id=leads.id if leads else None, founded_on=founded)
    db.session.add(collective)
    db.session.flush()
    _changed(actor, "collective_added", collective, after=name)
    return collective


def _open_cycle_or_refuse():
    cycle = open_cycle()
    if cycle is None:
        raise AdminRefusal("Chưa có đợt đánh giá nào đang mở.")
    return cycle


def _new_code(model, cycle, code: str, noun: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > CODE_MAX or any(char.isspace() for char in code):
        raise AdminRefusal(f"Mã {noun} bắt buộc, không có dấu cách, tối đa {CODE_MAX} ký tự.")
    if db.session.execute(db.select(model.id).filter_by(cycle_id=cycle.id, code=code)).first() is not None:
        raise AdminRefusal(f"Đợt {cycle.year} đã có {noun} mã “{code}”.")
    return code


def _text(value: str, label: str, longest: int) -> str:
    value = " ".join((value or "").split())
    if not value or len(value) > longest:
        raise AdminRefusal(f"{label} bắt buộc, tối đa {longest} ký tự.")
    return value


def _member(cycle_id: int, member_code: str) -> Person:
    member_code = (member_code or "").strip()
    if not member_code:
        raise AdminRefusal("Nhập mã đảng viên của người giữ chức vụ.")
    holder = db.session.execute(db.select(Person).filter_by(cycle_id=cycle_id, code=member_code)).scalar_one_or_none()
    if holder is None:
        raise AdminRefusal(f"Không có đảng viên mã “{member_code}” trong danh sách đảng viên của đợt này. "
                           "Kiểm tra lại mã, hoặc nhập người đó vào danh sách đảng viên trước.")
    return holder


def _chosen(value: str, choices: dict, label: str):
    if value in (None, ""):
        return None
    chosen = choices.get(id_from(value))
    if chosen is None:
        raise AdminRefusal(f"{label}: chọn trong danh sách.")
    return chosen


def _founding_date(value: str) -> date | None:
    if not (value or "").strip():
        return None
    parsed = parse_date(value.strip())
    if not parsed.ok or parsed.value > date.today():
        raise AdminRefusal("Ngày thành lập không hợp lệ: ghi theo dạng ngày/tháng/năm, không sau hôm nay.")
    return parsed.value


def _post_taken(post: LeaderPost, holder: Person) -> dict:
    """The holder's post text names the post; the audit detail of the change, if any."""
    before, holder.post = holder.post, with_post(holder.post, post.title)
    return {"holder_post": [before, holder.post]} if holder.post != before else {}


def _post_left(post: LeaderPost, former: Person) -> dict:
    """The former holder's post text no longer names the post, unless he or she still holds one of that title in the
    cycle; the audit detail of the change, if any."""
    still = db.session.execute(db.select(LeaderPost.id).filter_by(cycle_id=post.cycle_id, person_id=former.id,
                                                                  title=post.title).limit(1)).first()
    if still is not None:
        return {}
    before, former.post = former.post, without_post(former.post, post.title)
    return {"former_holder_post": [before, former.post]} if former.post != before else {}


def _told(texts: dict, *, former: Person | None = None, holder: Person | None = None) -> list[Person]:
    """The members whose post text changed, as `_post_left` and `_post_taken` told it."""
    return [member for member, key in ((former, "former_holder_post"), (holder, "holder_post")) if key in texts]


def _changed(actor, action: str, record, members=(), **detail) -> None:
    """Mark the rating unit's roster changed (as the roster import does), and those that list the members whose post
    text changed, and audit the change."""
    unit, cycle = db.session.get(Unit, record.rated_in_id), open_cycle()
    listing = units_listing_members(cycle, [member.code for member in members]) if members and cycle else set()
    mark_roster_changed(cycle, {unit.id} | listing)
    audit.record(action, user=actor, unit=unit, target=record, code=record.code, **detail)
