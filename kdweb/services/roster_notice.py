"""Who changed on a unit's roster since its newest workbook was issued: added, moved in, removed, moved out, and
renamed (a leader post given to another person, a collective renamed: `roster.renamed`, as the upload tells it).

The unit's page and the reviewer's page show it ("Danh sách đã thay đổi sau khi tải mẫu"). The digest of the
roster is compared first (codes only); the directions are worked out only when it differs or a name does.
Where a subject who left is now comes from the roster; where one who arrived was comes from the workbooks
issued to other units (the roster keeps no history): an arrival listed in none of them was added.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, Template, Unit
from kdweb.rules import SubjectKind
from kdweb.services.roster import issued_roster, names_digest, renamed, roster_names

SHOWN = 10  # names shown per direction; the rest are counted
_LIKE_BATCH = 100


@dataclass(frozen=True)
class ChangedSubject:
    kind: SubjectKind
    code: str
    name: str
    place: str | None = None  # the unit moved from (an arrival) or to (a departure)
    was: str | None = None  # the name the workbook gives it (renamed)


@dataclass(frozen=True)
class Direction:
    key: str  # added, moved_in, removed, moved_out
    title: str
    subjects: tuple[ChangedSubject, ...]

    @property
    def shown(self) -> tuple[ChangedSubject, ...]:
        return self.subjects[:SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.subjects) - SHOWN)

    @property
    def more_noun(self) -> str:
        people = {SubjectKind.MEMBER, SubjectKind.LEADER}
        return "người" if all(subject.kind in people for subject in self.subjects[SHOWN:]) else "đối tượng"


@dataclass(frozen=True)
class RosterNotice:
    """Truthy: the roster changed since the newest workbook. `directions` is empty when that workbook was issued
    before the app kept who it listed (then only the change itself is known)."""

    directions: tuple[Direction, ...] = field(default_factory=tuple)


TITLES = {"added": "Bổ sung vào danh sách", "moved_in": "Chuyển đến",
          "removed": "Rút khỏi danh sách", "moved_out": "Chuyển đi",
          "renamed": "Đổi tên hoặc đổi người giữ chức vụ"}


def roster_notice(cycle, unit, state) -> RosterNotice | None:
    """None when the unit never downloaded or its newest workbook lists the roster as it stands."""
    if state is None or state.first_downloaded_at is None:
        return None
    template = db.session.execute(
        db.select(Template.roster_digest, Template.roster_json).filter_by(cycle_id=cycle.id, unit_id=unit.id)
        .order_by(Template.version.desc()).limit(1)).first()
    if template is None or template.roster_digest is None:
        return None
    now = roster_names(cycle, unit)
    same_codes = names_digest(now) == template.roster_digest
    if template.roster_json is None:
        return None if same_codes else RosterNotice()
    issued = issued_roster(template.roster_json)
    renames = renamed(issued, now)
    if same_codes and not renames:
        return None
    arrived, left = [], []
    for kind in SubjectKind:
        was, is_now = issued.get(kind, {}), now.get(kind, {})
        arrived += [(kind, code, is_now[code]) for code in sorted(is_now.keys() - was.keys())]
        left += [(kind, code, was[code]) for code in sorted(was.keys() - is_now.keys())]
    came_from = _came_from(cycle, unit, [code for _, code, _ in arrived])
    gone_to = _gone_to(cycle, unit, left)
    directions = {key: [] for key in TITLES}
    for kind, code, name in arrived:
        place = came_from.get(code)
        directions["moved_in" if place else "added"].append(ChangedSubject(kind, code, name, place))
    for kind, code, name in left:
        place = gone_to.get((kind, code))
        directions["moved_out" if place else "removed"].append(ChangedSubject(kind, code, name, place))
    directions["renamed"] = [ChangedSubject(kind, code, name, was=was) for kind, code, was, name in renames]
    return RosterNotice(tuple(Direction(key, TITLES[key], tuple(subjects))
                              for key, subjects in directions.items() if subjects))


def _came_from(cycle, unit, codes: list[str]) -> dict[str, str]:
    """Code → the unit whose newest issued workbook listing it is the latest (other units only)."""
    found: dict[str, str] = {}
    for start in range(0, len(codes), _LIKE_BATCH):
        batch = codes[start:start + _LIKE_BATCH]
        patterns = [Template.roster_json.like(f"%{_like_escaped(json.dumps(code, ensure_ascii=False))}:%", escape="\\")
                    for code in batch]
        rows = db.session.execute(
            db.select(Template.roster_json, Unit.name).join(Unit, Template.unit_id == Unit.id)
            .where(Template.cycle_id == cycle.id, Template.unit_id != unit.id, db.or_(*patterns))
            .order_by(Template.generated_at.desc(), Template.id.desc())).all()
        wanted = set(batch)
        for text, name in rows:
            listed = {code for names in json.loads(text).values() for code in names}
            for code in wanted & listed:
                found.setdefault(code, name)
    return found


def _like_escaped(code: str) -> str:
    return code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _gone_to(cycle, unit, left) -> dict[tuple[SubjectKind, str], str]:
    """(kind, code) → the unit whose roster lists the subject now, when it is another's."""
    found = {}
    by_kind: dict[SubjectKind, list[str]] = {}
    for kind, code, _ in left:
        by_kind.setdefault(kind, []).append(code)
    for kind, codes in by_kind.items():
        for start in range(0, len(codes), 1000):
            for code, unit_id, name in db.session.execute(_where_now(cycle, kind, codes[start:start + 1000])):
                if unit_id != unit.id:
                    found[kind, code] = name
    return found


def _where_now(cycle, kind: SubjectKind, codes: list[str]):
    if kind is SubjectKind.MEMBER:
        return db.select(Person.code, Unit.id, Unit.name).join(Unit, Person.grassroots_id == Unit.id).where(
            Person.cycle_id == cycle.id, Person.code.in_(codes))
    if kind is SubjectKind.ORGANISATION:
        part = db.aliased(Unit)
        return db.select(part.code, Unit.id, Unit.name).join(Unit, part.parent_id == Unit.id).where(
            part.code.in_(codes), part.active.is_(True))
    if kind is SubjectKind.COLLECTIVE:
        return db.select(Collective.code, Unit.id, Unit.name).join(Unit, Collective.rated_in_id == Unit.id).where(
            Collective.cycle_id == cycle.id, Collective.code.in_(codes))
    return db.select(LeaderPost.code, Unit.id, Unit.name).join(Unit, LeaderPost.rated_in_id == Unit.id).where(
        LeaderPost.cycle_id == cycle.id, LeaderPost.code.in_(codes))
