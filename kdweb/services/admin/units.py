"""The unit tree: create, edit, move and deactivate units. Units are never deleted: uploads and ratings of
past years point at them. The tree is global, not per cycle; a cycle keeps only its UnitCycle rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, update

from kdweb.extensions import db
from kdweb.models import Person, Template, Unit, UnitCycle, UnitKind, UnitLevel, User
from kdweb.models.base import id_from
from kdweb.rules import parse_date
from kdweb.rules.dates import dmy
from kdweb.services import audit
from kdweb.services.superior import current_superior
from kdweb.services.admin import AdminRefusal, switch_active
from kdweb.services.admin.roster_mapping import GRASSROOTS_KINDS
from kdweb.services.cycles import open_cycle
from kdweb.services.roster import mark_roster_changed, units_listing_members
from kdweb.services.transaction import use_case
from kdweb.services.tree import subtree_ids

EDITABLE = ("name", "kind", "level", "group", "quota_group", "parent_id", "reports", "sort_order", "founded_on",
            "valid_from", "valid_to", "successor_id")
_VALIDITY = ("valid_from", "valid_to", "successor_id")


@dataclass
class TreeRow:
    unit: Unit
    depth: int


def unit_tree() -> list[TreeRow]:
    """Every unit, active or not, parents before children, siblings by sort order then name."""
    units = db.session.execute(db.select(Unit).order_by(Unit.sort_order, Unit.name)).scalars().all()
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[TreeRow] = []
    stack = [(unit, 0) for unit in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        rows.append(TreeRow(unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.id, [])))
    return rows


COLLAPSE_FROM = 120  # a tree this large opens only its first two levels until asked


@dataclass
class TreeView:
    rows: list  # (TreeRow, child count, open?) in tree order
    total: int
    matched: int | None  # None without a search
    collapsed: bool


def tree_view(rows: list[TreeRow], q: str = "", opened: set[str] | frozenset = frozenset(),
              everything: bool = False) -> TreeView:
    """The unit tree as shown: a search keeps the matching units and the units above them; a large tree starts
    with the district and its grassroots organisations, each of which opens on request (`opened` codes)."""
    from kdweb.search import matches

    parents: dict[int, int | None] = {row.unit.id: row.unit.parent_id for row in rows}
    children: dict[int | None, int] = {}
    for row in rows:
        children[row.unit.parent_id] = children.get(row.unit.parent_id, 0) + 1
    codes = {row.unit.id: row.unit.code for row in rows}

    def ancestors(unit_id):
        found, parent = [], parents.get(unit_id)
        while parent is not None:
            found.append(parent)
            parent = parents.get(parent)
        return found

    q = q.strip()
    if q:
        hits = {row.unit.id for row in rows if matches(q, row.unit.name, row.unit.code)}
        shown = hits | {ancestor for hit in hits for ancestor in ancestors(hit)}
        expanded = shown - hits
        view = [(row, children.get(row.unit.id, 0), row.unit.id in expanded) for row in rows if row.unit.id in shown]
        return TreeView(view, len(rows), len(hits), False)
    collapsed = len(rows) >= COLLAPSE_FROM and not everything
    if not collapsed:
        return TreeView([(row, children.get(row.unit.id, 0), True) for row in rows], len(rows), None, False)
    is_open = {row.unit.id for row in rows if row.depth == 0 or codes[row.unit.id] in opened}
    view = [(row, children.get(row.unit.id, 0), row.unit.id in is_open) for row in rows
            if all(ancestor in is_open for ancestor in ancestors(row.unit.id))]
    return TreeView(view, len(rows), None, True)


def unit_by_code(code: str) -> Unit | None:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one_or_none()


@use_case
def create_unit(actor, *, code: str, **fields) -> Unit:
    code = (code or "").strip()
    if not code or len(code) > 40 or any(char.isspace() for char in code):
        raise AdminRefusal("Mã đơn vị bắt buộc, không có dấu cách, tối đa 40 ký tự.")
    if unit_by_code(code) is not None:
        raise AdminRefusal(f"Đã có đơn vị mã “{code}”.")
    unit = Unit(code=code, active=True)
    _apply(unit, _checked(unit, fields))
    db.session.add(unit)
    db.session.flush()
    _sync_unit_cycle(unit)
    mark_roster_changed(open_cycle(), _grassroots_around(unit, {}))  # a new chi bộ is rated in its parent's workbook
    audit.record("unit_created", user=actor, unit=unit, target=unit, code=code, **_described(unit))
    db.session.commit()
    return unit


@use_case
def update_unit(actor, unit: Unit, **fields) -> Unit:
    """Edit a unit; a new parent moves it with its whole subtree (refused when that would make a loop)."""
    checked = _checked(unit, fields)
    before = _described(unit)
    _apply(unit, checked)
    after = _described(unit)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        expected = _sync_unit_cycle(unit)
        moved = _refresh_members_grassroots(unit) if {"parent", "kind"} & set(changes) else 0
        if {"parent", "kind", "name", "reports", "founded_on", "group", "quota_group"} & set(changes):
            mark_roster_changed(open_cycle(), _grassroots_around(unit, before) | _listing_its_members(unit, changes))
        audit.record("unit_moved" if "parent" in changes else "unit_updated", user=actor, unit=unit, target=unit,
                     code=unit.code, changes=changes, members_regrouped=moved,
                     **({"open_cycle_row": expected} if expected else {}))
        db.session.commit()
    return unit


@use_case
def deactivate_unit(actor, unit: Unit) -> Unit:
    if unit.active:
        _refuse_if_still_used(unit)
        unit.active = False
        expected = _sync_unit_cycle(unit)
        mark_roster_changed(open_cycle(), _grassroots_around(unit, {}))
        switch_active(actor, unit, False, "unit_deactivated", unit=unit, code=unit.code,
                      **({"open_cycle_row": expected} if expected else {}))
    return unit


@use_case
def activate_unit(actor, unit: Unit) -> Unit:
    if not unit.active:
        if unit.parent is not None and not unit.parent.active:
            raise AdminRefusal(f"Đơn vị cấp trên “{unit.parent.name}” đang ngừng hoạt động; "
                               "hãy kích hoạt đơn vị đó trước.")
        unit.active = True
        _sync_unit_cycle(unit)
        mark_roster_changed(open_cycle(), _grassroots_around(unit, {}))
        switch_active(actor, unit, True, "unit_activated", unit=unit, code=unit.code)
    return unit


def _refuse_if_still_used(unit: Unit) -> None:
    active_children = [child.code for child in unit.children if child.active]
    if active_children:
        raise AdminRefusal(f"Đơn vị còn {len(active_children)} đơn vị trực thuộc đang hoạt động "
                           f"({', '.join(active_children[:5])}{'…' if len(active_children) > 5 else ''}); "
                           "hãy chuyển hoặc ngừng các đơn vị đó trước.")
    accounts = db.session.execute(
        db.select(User.login).filter_by(unit_id=unit.id, active=True).order_by(User.login)).scalars().all()
    if accounts:
        raise AdminRefusal(f"Còn {len(accounts)} tài khoản đang hoạt động thuộc đơn vị này "
                           f"({', '.join(accounts[:5])}); hãy khóa hoặc chuyển các tài khoản đó trước.")


def _checked(unit: Unit, fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    name = " ".join((fields.get("name") or "").split())
    if not name or len(name) > 200:
        raise AdminRefusal("Tên đơn vị bắt buộc, tối đa 200 ký tự.")
    kind, level = fields.get("kind"), fields.get("level")
    if kind not in {item.code for item in UnitKind}:
        raise AdminRefusal("Chọn loại tổ chức đảng.")
    if level not in {item.code for item in UnitLevel}:
        raise AdminRefusal(f"Chọn cấp ({current_superior().area} hoặc cơ sở).")
    group = " ".join((fields.get("group") or "").split()) or None
    if group and len(group) > 100:
        raise AdminRefusal("Tên nhóm tối đa 100 ký tự.")
    quota_group = " ".join((fields.get("quota_group") or "").split()) or None
    if quota_group and len(quota_group) > 100:
        raise AdminRefusal("Tên nhóm tính tỷ lệ tối đa 100 ký tự.")
    parent = _checked_parent(unit, fields.get("parent_id"), kind)
    try:
        sort_order = int(fields.get("sort_order") or 0)
    except (TypeError, ValueError):
        raise AdminRefusal("Thứ tự phải là số nguyên.") from None
    if abs(sort_order) > 1_000_000:
        raise AdminRefusal("Thứ tự phải là số nguyên từ -1.000.000 đến 1.000.000.")
    return {"name": name, "kind": kind, "level": level, "group": group, "quota_group": quota_group,
            "parent_id": parent.id if parent else None,
            "reports": bool(fields.get("reports")), "sort_order": sort_order,
            "founded_on": _checked_founding_date(fields.get("founded_on")), **_checked_validity(unit, fields)}


def _checked_validity(unit: Unit, fields: dict) -> dict:
    """Valid from/to (dd/mm/yyyy or blank) and the successor of a merged or renamed unit; fields not given keep
    the unit's values."""
    values = {name: getattr(unit, name) for name in _VALIDITY if name not in fields}
    for name, label in (("valid_from", "Hiệu lực từ ngày"), ("valid_to", "Hiệu lực đến ngày")):
        if name in fields:
            parsed = parse_date(fields[name])
            if not parsed.ok:
                raise AdminRefusal(f"{label}: ghi ngày theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")
            values[name] = parsed.value
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        raise AdminRefusal("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")
    if "successor_id" in fields:
        values["successor_id"] = _checked_successor(unit, fields["successor_id"])
    return values


def _checked_successor(unit: Unit, successor_id) -> int | None:
    if successor_id in (None, ""):
        return None
    try:
        successor = db.session.get(Unit, int(successor_id))
    except (TypeError, ValueError):
        successor = None
    if successor is None:
        raise AdminRefusal("Đơn vị kế thừa không tồn tại.")
    seen, current = {unit.id}, successor
    while current is not None:  # a chain of successors never comes back to this unit
        if current.id in seen:
            raise AdminRefusal("Đơn vị kế thừa không được là chính đơn vị này hoặc đơn vị do nó kế thừa.")
        seen.add(current.id)
        current = current.successor
    return successor.id


def _checked_founding_date(value) -> date | None:
    if value in (None, "") or isinstance(value, date):
        return value or None
    parsed = parse_date(str(value))
    if not parsed.ok or parsed.value > date.today():
        raise AdminRefusal("Ngày thành lập không hợp lệ: ghi theo dạng ngày/tháng/năm, không sau hôm nay.")
    return parsed.value


def _checked_parent(unit: Unit, parent_id, kind: str) -> Unit | None:
    if parent_id in (None, ""):
        if kind != UnitKind.DISTRICT.code:
            raise AdminRefusal(f"Chọn đơn vị cấp trên (chỉ đơn vị {current_superior().level_name} không có cấp trên).")
        return None
    parent = db.session.get(Unit, id_from(parent_id)) if id_from(parent_id) is not None else None
    if parent is None:
        raise AdminRefusal("Đơn vị cấp trên không tồn tại.")
    if unit.id is not None and parent.id in subtree_ids(unit.id):
        raise AdminRefusal("Không thể chuyển đơn vị vào chính nó hoặc vào một đơn vị trực thuộc nó.")
    if not parent.active and parent.id != unit.parent_id:
        raise AdminRefusal(f"Đơn vị cấp trên “{parent.name}” đang ngừng hoạt động.")
    return parent


def _apply(unit: Unit, values: dict) -> None:
    for key, value in values.items():
        setattr(unit, key, value)


def _described(unit: Unit) -> dict:
    parent = db.session.get(Unit, unit.parent_id) if unit.parent_id else None
    successor = db.session.get(Unit, unit.successor_id) if unit.successor_id else None
    return {"name": unit.name, "kind": unit.kind, "level": unit.level, "group": unit.group,
            "quota_group": unit.quota_group,
            "parent": parent.code if parent else None, "reports": unit.reports, "sort_order": unit.sort_order,
            "founded_on": unit.founded_on.isoformat() if unit.founded_on else None,
            "valid_from": dmy(unit.valid_from) or None, "valid_to": dmy(unit.valid_to) or None,
            "successor": successor.code if successor else None}


def _grassroots_around(unit: Unit, before: dict) -> set[int]:
    """The units whose workbooks list this one or its members, before and after the change."""
    ids = {unit.id, unit.parent_id}
    if unit.parent is not None:
        ids.add(unit.parent.parent_id)
    old_parent = unit_by_code(before["parent"]) if before.get("parent") else None
    if old_parent is not None:
        ids.update({old_parent.id, old_parent.parent_id})
    return ids


def _listing_its_members(unit: Unit, changes: dict) -> set[int]:
    """The units whose workbooks list the open cycle's members the change touches, where they are in temporary
    activity too: a chi bộ's name is on its members' rows; a move or a new kind changes the tổ chức cơ sở đảng of
    every member under it."""
    cycle = open_cycle()
    if cycle is None or not {"name", "parent", "kind"} & set(changes):
        return set()
    cells = subtree_ids(unit.id) if {"parent", "kind"} & set(changes) else {unit.id}
    codes = db.session.execute(
        db.select(Person.code).where(Person.cycle_id == cycle.id, Person.cell_id.in_(cells))).scalars().all()
    return units_listing_members(cycle, codes)


def _sync_unit_cycle(unit: Unit) -> str | None:
    """Keep the open cycle's expected units in step with the unit (docs/design.md, "Units that change"): a unit
    the cycle now expects gets its row at once, so it shows on the dashboard and gets deadline reminders; one it
    no longer expects (valid-to before the review date, merged, no longer reporting) loses its row, unless the
    unit has already uploaded: then the row and its files stay, shown as no longer expected. Returns what
    happened ("added", "removed", "kept") or None."""
    cycle = open_cycle()
    if cycle is None:
        return None
    state = db.session.execute(
        db.select(UnitCycle).filter_by(cycle_id=cycle.id, unit_id=unit.id)).scalar_one_or_none()
    if unit.expected_in(cycle):
        if state is not None:
            return None
        first_download = db.session.scalar(
            db.select(func.min(Template.generated_at)).filter_by(cycle_id=cycle.id, unit_id=unit.id))
        db.session.add(UnitCycle(cycle_id=cycle.id, unit_id=unit.id, first_downloaded_at=first_download,
                                 status="downloaded" if first_download else "not_downloaded"))
        return "added"
    if state is None:
        return None
    if state.latest_upload_id is None and state.submission_id is None:
        db.session.delete(state)
        return "removed"
    return "kept"


def _refresh_members_grassroots(unit: Unit) -> int:
    """After a move, members of the open cycle follow their chi bộ to its new tổ chức cơ sở đảng; closed cycles
    keep the tree as it was then."""
    cycle = open_cycle()
    if cycle is None:
        return 0
    db.session.flush()
    tree = {unit_id: (parent_id, kind) for unit_id, parent_id, kind in
            db.session.execute(db.select(Unit.id, Unit.parent_id, Unit.kind))}
    regrouped = 0
    for cell_id in subtree_ids(unit.id):
        grassroots_id = _grassroots_id(tree, cell_id)
        if grassroots_id is not None:
            result = db.session.execute(
                update(Person)
                .where(Person.cycle_id == cycle.id, Person.cell_id == cell_id, Person.grassroots_id != grassroots_id)
                .values(grassroots_id=grassroots_id))
            regrouped += result.rowcount
    return regrouped


def _grassroots_id(tree: dict, unit_id: int | None) -> int | None:
    seen = set()
    while unit_id is not None and unit_id not in seen:
        parent_id, kind = tree[unit_id]
        if kind in GRASSROOTS_KINDS:
            return unit_id
        seen.add(unit_id)
        unit_id = parent_id
    return None
