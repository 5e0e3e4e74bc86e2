"""The unit tree walked down from one unit: the one walk behind a user's scope and the admin's moves."""
from kdweb.extensions import db
from kdweb.models import Unit


def subtree_ids(root_id: int) -> set[int]:
    """The unit and every unit below it, at any depth (a parent loop, should one be stored, ends the walk)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in db.session.execute(db.select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = set(), [root_id]
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, ()))
    return found
