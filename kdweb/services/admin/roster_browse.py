"""Browse a cycle's roster: search by name or card number (without diacritics), filter by unit, page by page."""
from dataclasses import dataclass

from kdweb.extensions import db
from kdweb.models import Person, Unit
from kdweb.search import matches

PAGE_SIZE = 50
COLUMNS = (Person.id, Person.code, Person.full_name, Person.birth_date, Person.cell_id, Person.grassroots_id,
           Person.probationary, Person.exempt, Person.suspended, Person.post)


@dataclass
class MemberPage:
    rows: list
    total: int
    page: int
    q: str
    unit: str
    unit_names: dict[int, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def members_page(cycle, q: str = "", unit: str = "", page: int = 1) -> MemberPage:
    """One page of the roster. Without a search, SQL pages it; a search compares search keys in Python (a district's
    15,000 names take a few milliseconds), as the dashboard's search does."""
    units = {unit_id: (code, name) for unit_id, code, name in db.session.execute(db.select(Unit.id, Unit.code, Unit.name))}
    query = db.select(*COLUMNS).where(Person.cycle_id == cycle.id).order_by(Person.code)
    chosen = next((unit_id for unit_id, (code, _name) in units.items() if code == unit), None) if unit else None
    if unit and chosen is None:
        return MemberPage([], 0, 1, q, unit, {})
    if chosen is not None:
        query = query.where((Person.grassroots_id == chosen) | (Person.cell_id == chosen))
    q = q.strip()
    if q:
        found = [row for row in db.session.execute(query) if matches(q, row.full_name, row.code)]
        total = len(found)
        page = min(max(page, 1), max(1, -(-total // PAGE_SIZE)))
        rows = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    else:
        total = db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))
        page = min(max(page, 1), max(1, -(-total // PAGE_SIZE)))
        rows = db.session.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return MemberPage(rows, total, page, q, unit, {unit_id: name for unit_id, (_code, name) in units.items()})
