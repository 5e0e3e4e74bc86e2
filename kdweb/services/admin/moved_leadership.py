"""Leader posts left behind by a move in the unit tree: a chi bộ (or đảng bộ bộ phận) moved under another tổ chức
cơ sở đảng takes its members along (units.py regroups them) but not the open cycle's leader posts that head it or a
chi bộ under it; those stay rated in the old tổ chức cơ sở đảng's workbook. Nothing refuses the move: the admin is
told which posts, where they are rated and where the chi bộ now belongs, and where to move them (the leadership
page, services/admin/leadership.py). A post rated at the district level is not left behind."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import aliased

from kdweb.extensions import db
from kdweb.models import LeaderPost, Person, Unit
from kdweb.services.cycles import open_cycle
from kdweb.services.roster import grassroots_of

NAMED = 5


@dataclass(frozen=True)
class PostLeftBehind:
    title: str
    holder: str
    rated_in: str  # the tổ chức cơ sở đảng whose workbook still rates it
    belongs_to: str  # the tổ chức cơ sở đảng the headed chi bộ is under now


def posts_left_behind(unit: Unit) -> list[PostLeftBehind]:
    """The open cycle's posts heading `unit` or a chi bộ under it, rated in a tổ chức cơ sở đảng other than the
    one they are under now."""
    cycle = open_cycle()
    if cycle is None or unit.kind not in ("cell", "sub_committee"):
        return []
    headed = {item.id: item for item in _subtree(unit)}
    rated_in = aliased(Unit)
    rows = db.session.execute(
        db.select(LeaderPost.title, Person.full_name, LeaderPost.heads_unit_id, rated_in)
        .join(Person, LeaderPost.person_id == Person.id).join(rated_in, LeaderPost.rated_in_id == rated_in.id)
        .where(LeaderPost.cycle_id == cycle.id, LeaderPost.heads_unit_id.in_(headed))
        .order_by(LeaderPost.code)).all()
    found = []
    for title, holder, headed_id, rater in rows:
        now_under = grassroots_of(headed[headed_id])
        if rater.level != "district" and rater.id != now_under.id:
            found.append(PostLeftBehind(title, holder, rater.name, now_under.name))
    return found


def _subtree(unit: Unit):
    yield unit
    for child in unit.children:
        if child.active:
            yield from _subtree(child)


def left_behind_message(posts: list[PostLeftBehind]) -> str:
    named = "; ".join(f"“{post.title}” ({post.holder}) vẫn được đánh giá tại “{post.rated_in}”, nay chi bộ thuộc "
                      f"“{post.belongs_to}”" for post in posts[:NAMED])
    more = f"; và {len(posts) - NAMED} chức vụ khác" if len(posts) > NAMED else ""
    first = posts[0]
    return (f"Chức vụ lãnh đạo đứng đầu đơn vị vừa chuyển: {named}{more}. Việc chuyển chi bộ không chuyển các chức "
            f"vụ này; nếu nay “{first.belongs_to}” đánh giá chúng, ở trang “Lãnh đạo và tập thể lãnh đạo” của "
            f"“{first.rated_in}” (Quản trị → Cây đơn vị → Sửa), hãy thêm lại chức vụ gắn với “{first.belongs_to}” "
            f"rồi bỏ chức vụ cũ khỏi đợt, trước khi phát hành biểu mẫu.")
