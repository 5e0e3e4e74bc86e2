"""The open cycle's leader posts and leadership collectives rated in a unit: who holds a post, what a collective is
called. After a congress a post passes to another person, a collective is renamed; the roster import does not touch
them, so the admin records it here.

Any member on the open cycle's roster may hold a post, whatever his or her organisation: posts rated at district level
are held by members of the grassroots organisations (docs/rulebook.md §2, "Leaders and managers at every level"). A
change keeps the post's or collective's code, so the digest of the roster misses it: the unit's roster is marked as
changed, and an upload of a workbook issued before is checked against the new names (`roster.renamed`)."""
from __future__ import annotations

from dataclasses import dataclass

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, Unit
from kdweb.services import audit
from kdweb.services.admin import AdminRefusal
from kdweb.services.cycles import open_cycle
from kdweb.services.roster import mark_roster_changed
from kdweb.services.transaction import use_case

NAME_MAX = 200


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
    member_code = (member_code or "").strip()
    if not member_code:
        raise AdminRefusal("Nhập mã đảng viên của người giữ chức vụ.")
    holder = db.session.execute(
        db.select(Person).filter_by(cycle_id=post.cycle_id, code=member_code)).scalar_one_or_none()
    if holder is None:
        raise AdminRefusal(f"Không có đảng viên mã “{member_code}” trong danh sách đảng viên của đợt này. "
                           "Kiểm tra lại mã, hoặc nhập người đó vào danh sách đảng viên trước.")
    if holder.id == post.person_id:
        raise AdminRefusal(f"{holder.full_name} ({holder.code}) đang giữ chức vụ này.")
    before = post.person
    post.person_id = holder.id
    _changed(actor, "leader_post_holder_changed", post, title=post.title,
             before=f"{before.full_name} ({before.code})", after=f"{holder.full_name} ({holder.code})")
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


def _changed(actor, action: str, record, **detail) -> None:
    """Mark the rating unit's roster changed (as the roster import does) and audit the change."""
    unit = db.session.get(Unit, record.rated_in_id)
    mark_roster_changed(open_cycle(), {unit.id})
    audit.record(action, user=actor, unit=unit, target=record, code=record.code, **detail)
