"""The subjects a reporting unit rates, read from the roster as the rules engine's records (identity facts only)."""
import hashlib
import json

from sqlalchemy import bindparam, case, update
from sqlalchemy.orm import aliased

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, QuotaMark, RosterRevision, Template, Unit
from kdweb.models.roster_revision import THE_ROW
from kdweb.rules import (
    CollectiveRecord, Discipline, LeaderRecord, MemberRecord, OrganisationRecord, SubjectKind, UnitBatch, UnitKind,
    get_rule_set,
)
from kdweb.excel.columns import sheet_specs
from kdweb.rules.roster_changes import RosterOfRecord


def roster_batch(cycle, unit) -> UnitBatch:
    batch = UnitBatch(
        unit_code=unit.code, unit_name=unit.name, review_date=cycle.review_date,
        members=member_records(cycle, unit), organisations=organisation_records(unit),
        collectives=collective_records(cycle, unit), leaders=leader_records(cycle, unit),
    )
    batch.expected = {kind: [record.code for record in batch.records_of(kind)] for kind in SubjectKind}
    if not get_rule_set(cycle.rule_set_id).scored:  # the quota groups are the 2025 rule set's
        for kind in SubjectKind:
            for record in batch.records_of(kind):
                record.quota_group = ""
    for kind in outstanding_kinds(cycle, unit):
        for record in batch.records_of(kind):
            record.quota_outstanding = True  # a signed fact of the workbook (docs/rulebook-366.md, Q-25)
    return batch


def outstanding_kinds(cycle, unit) -> list[SubjectKind]:
    """The kinds whose group the competent level marked outstanding for this unit, under a scored rule set."""
    if not get_rule_set(cycle.rule_set_id).scored:
        return []
    codes = db.session.execute(
        db.select(QuotaMark.subject_kind).filter_by(cycle_id=cycle.id, unit_id=unit.id)).scalars()
    return [SubjectKind(code) for code in codes]


def grassroots_of(cell: Unit) -> Unit:
    """The tổ chức cơ sở đảng a chi bộ belongs to, through a đảng bộ bộ phận if there is one."""
    while cell.kind in ("cell", "sub_committee") and cell.parent is not None:
        cell = cell.parent
    return cell


def member_records(cycle, unit) -> list[MemberRecord]:
    if unit.level == "district":
        return []
    cell = aliased(Unit)
    query, temporary_cell, temporary_part = members_listed(cycle, unit, Person, cell.code, cell.name)
    rows = db.session.execute(
        query.add_columns(*_listing_columns(_temporary_listing(temporary_cell, temporary_part)))
        .join(cell, Person.cell_id == cell.id).order_by(cell.sort_order, Person.code)
    ).all()
    records = []
    for person, cell_code, cell_name, *temporary_listing in rows:
        official_here = person.grassroots_id == unit.id
        temporary_here = not official_here
        records.append(MemberRecord(
            code=person.code, name=person.full_name, unit_code=unit.code, cell_code=cell_code, cell_name=cell_name,
            birth_date=person.birth_date, probationary=person.probationary, admitted_on=person.admitted_on,
            exempt=person.exempt, suspended=person.suspended, committee_suspended=person.committee_suspended,
            transferred_in=person.transferred_in_on is not None, months_at_old_place=person.months_at_old_place,
            temporary_activity=temporary_here,
            temporary_activity_elsewhere=official_here and person.temporary_cell_id is not None
            and unit.id not in temporary_listing,
            is_civil_servant=person.is_civil_servant, post=person.post or "", quota_group=person.quota_group or "",
            **known_discipline(person.discipline_form),
        ))
    return records


def members_listed(cycle, unit, *columns):
    """The members a unit's workbook lists (`_listing_units`); with the temporary chi bộ and its parent joined,
    for the caller's columns."""
    temporary_cell, temporary_part = aliased(Unit), aliased(Unit)
    listed_here = [listing == unit.id if only_if is None else only_if & (listing == unit.id)
                   for listing, only_if in _listing_units(temporary_cell, temporary_part)]
    query = (_temporary_cell_joined(db.select(*columns), temporary_cell, temporary_part)
             .where(Person.cycle_id == cycle.id).where(db.or_(*listed_here)))
    return query, temporary_cell, temporary_part


def units_listing_members(cycle, codes) -> set[int]:
    """The units whose workbook lists these members of the cycle (`_listing_units`) as the roster stands: asked
    before and after a change, every unit whose roster the change touches."""
    temporary_cell, temporary_part = aliased(Unit), aliased(Unit)
    listing = _listing_columns(_listing_units(temporary_cell, temporary_part))
    query = _temporary_cell_joined(db.select(*listing).select_from(Person), temporary_cell, temporary_part)
    codes, found = list(codes), set()
    for start in range(0, len(codes), 2000):
        for row in db.session.execute(
                query.where(Person.cycle_id == cycle.id, Person.code.in_(codes[start:start + 2000]))):
            found.update(unit_id for unit_id in row if unit_id is not None)
    return found


def _listing_units(temporary_cell, temporary_part) -> list:
    """The one definition of the units whose workbook lists a member, as (column, the condition it holds under or
    None): the member's tổ chức cơ sở đảng, and those of `_temporary_listing`."""
    return [(Person.grassroots_id, None), *_temporary_listing(temporary_cell, temporary_part)]


def _temporary_listing(temporary_cell, temporary_part) -> list:
    """The units that list a member in temporary activity (sinh hoạt tạm thời) at a chi bộ: the chi bộ itself (a chi
    bộ cơ sở reports), its parent, and its parent's parent through a đảng bộ bộ phận."""
    return [(temporary_cell.id, None), (temporary_cell.parent_id, None),
            (temporary_part.parent_id, temporary_part.kind == "sub_committee")]


def _listing_columns(listing) -> list:
    """`_listing_units` as columns: a unit's id where it lists the member, else NULL."""
    return [column if only_if is None else case((only_if, column)) for column, only_if in listing]


def _temporary_cell_joined(query, temporary_cell, temporary_part):
    return (query.outerjoin(temporary_cell, Person.temporary_cell_id == temporary_cell.id)
            .outerjoin(temporary_part, temporary_cell.parent_id == temporary_part.id))


def known_discipline(form: str | None) -> dict:
    """A discipline the roster already records is pre-filled in the workbook; the unit may correct it."""
    discipline = next((d for d in Discipline if d.code == form), None)
    return {"disciplined_in_year": True, "discipline": discipline} if discipline else {}


def organisation_records(unit) -> list[OrganisationRecord]:
    if unit.level == "district":
        rated = db.session.execute(
            db.select(Unit).where(Unit.parent_id == unit.id, Unit.reports.is_(True), Unit.active.is_(True))
            .order_by(Unit.sort_order)
        ).scalars().all()
    elif unit.kind == "grassroots_committee":
        rated = list(parts_of(unit))
    else:
        rated = []
    return [OrganisationRecord(code=org.code, name=org.name, unit_code=unit.code, kind=UnitKind(org.kind),
                               parent_code=org.parent.code if org.parent else unit.code, group=org.group or "",
                               founded_on=org.founded_on, quota_group=org.quota_group or "") for org in rated]


def parts_of(committee: Unit):
    """A đảng bộ cơ sở's đảng bộ bộ phận and chi bộ, each followed by the chi bộ under it (docs/rulebook.md §2: all rated
    in the đảng bộ cơ sở's workbook)."""
    for child in committee.children:
        if child.active:
            yield child
            if child.kind == "sub_committee":
                yield from parts_of(child)


def collective_records(cycle, unit) -> list[CollectiveRecord]:
    led = aliased(Unit)
    rows = db.session.execute(
        db.select(Collective, led.code).outerjoin(led, Collective.leads_unit_id == led.id)
        .where(Collective.cycle_id == cycle.id, Collective.rated_in_id == unit.id).order_by(Collective.code)
    ).all()
    return [CollectiveRecord(code=c.code, name=c.name, unit_code=unit.code, collective_type=c.collective_type,
                             led_unit_code=led_code or "", founded_on=c.founded_on, quota_group=c.quota_group or "")
            for c, led_code in rows]


def leader_records(cycle, unit) -> list[LeaderRecord]:
    headed_unit, headed_collective = aliased(Unit), aliased(Collective)
    rows = db.session.execute(
        db.select(LeaderPost, Person.full_name, headed_unit.code, headed_collective.code)
        .join(Person, LeaderPost.person_id == Person.id)
        .outerjoin(headed_unit, LeaderPost.heads_unit_id == headed_unit.id)
        .outerjoin(headed_collective, LeaderPost.heads_collective_id == headed_collective.id)
        .where(LeaderPost.cycle_id == cycle.id, LeaderPost.rated_in_id == unit.id).order_by(LeaderPost.code)
    ).all()
    return [LeaderRecord(code=post.code, name=name, unit_code=unit.code, post=post.title,
                         post_group=post.equivalent_group, heads=tuple(c for c in (unit_code, collective_code) if c),
                         quota_group=post.quota_group or "")
            for post, name, unit_code, collective_code in rows]


def roster_of_record(cycle, unit, batch: UnitBatch | None = None, every_fact: bool = False) -> RosterOfRecord:
    """The unit's subjects as the database holds them now: what an upload is checked against; with the roster
    facts of those some issued workbook of the unit does not list (a row typed for one is read with them), or,
    with `every_fact` (the roster changed after a workbook was issued), of every subject."""
    if batch is not None:
        subjects = {kind: {record.code: record.name for record in batch.records_of(kind)} for kind in SubjectKind}
    else:  # every upload asks for it: the members' codes and names only, not their records (ten times the time)
        subjects = {SubjectKind.MEMBER: {} if unit.level == "district" else dict(
            db.session.execute(members_listed(cycle, unit, Person.code, Person.full_name)[0]).all())}
        for kind, records in ((SubjectKind.ORGANISATION, organisation_records(unit)),
                              (SubjectKind.COLLECTIVE, collective_records(cycle, unit)),
                              (SubjectKind.LEADER, leader_records(cycle, unit))):
            subjects[kind] = {record.code: record.name for record in records}
    arrivals = {kind: set(codes) for kind, codes in subjects.items()} if every_fact \
        else _not_issued_everywhere(cycle, unit, subjects)
    facts = {}
    if any(arrivals.values()):  # the full records only when some subject needs its facts
        batch = batch or roster_batch(cycle, unit)
        for spec in sheet_specs(get_rule_set(cycle.rule_set_id)):
            names = spec.roster_fields()
            facts[spec.kind] = {record.code: {name: getattr(record, name) for name in names}
                                for record in batch.records_of(spec.kind) if record.code in arrivals[spec.kind]}
    return RosterOfRecord(subjects, facts)


def _not_issued_everywhere(cycle, unit, subjects) -> dict[SubjectKind, set[str]]:
    """The codes of the roster missing from at least one workbook issued to the unit (all of them for a workbook
    issued before templates kept who they listed)."""
    found = {kind: set() for kind in SubjectKind}
    issued = db.session.execute(
        db.select(Template.roster_json).filter_by(cycle_id=cycle.id, unit_id=unit.id)).scalars().all()
    for text in issued:
        listed = issued_roster(text) if text is not None else {}
        for kind in SubjectKind:
            found[kind] |= subjects[kind].keys() - listed.get(kind, {}).keys()
    return found


def where_now(cycle, unit, kind: SubjectKind, code: str) -> str | None:
    """The name of the unit a subject who left `unit`'s roster belongs to now; None when it is on no roster."""
    if kind is SubjectKind.MEMBER:
        query = db.select(Unit.id, Unit.name).join(Person, Person.grassroots_id == Unit.id).where(
            Person.cycle_id == cycle.id, Person.code == code)
    elif kind is SubjectKind.ORGANISATION:
        parent = aliased(Unit)
        query = db.select(parent.id, parent.name).join(Unit, Unit.parent_id == parent.id).where(
            Unit.code == code, Unit.active.is_(True))
    elif kind is SubjectKind.COLLECTIVE:
        query = db.select(Unit.id, Unit.name).join(Collective, Collective.rated_in_id == Unit.id).where(
            Collective.cycle_id == cycle.id, Collective.code == code)
    else:
        query = db.select(Unit.id, Unit.name).join(LeaderPost, LeaderPost.rated_in_id == Unit.id).where(
            LeaderPost.cycle_id == cycle.id, LeaderPost.code == code)
    found = db.session.execute(query.limit(1)).first()
    return found.name if found is not None and found.id != unit.id else None


# the revision as it stands: a scalar subquery, so that an upload reads it in the statement it runs anyway
CURRENT_REVISION = db.select(RosterRevision.revision).where(RosterRevision.id == THE_ROW).scalar_subquery()


def revision_before_reading() -> int | None:
    """The roster revision, read before a workbook's roster is (None on a database without the counter's row).
    The session's objects are then expired, so the roster is read from the database after the revision, never
    from an object loaded before it: a roster change meanwhile can only make the workbook look stale, never fresh."""
    db.session.flush()
    revision = db.session.execute(db.select(CURRENT_REVISION)).scalar()
    db.session.expire_all()
    return revision


def roster_digest(batch: UnitBatch) -> str:
    """One fingerprint of who is on a unit's roster, by kind: equal digests, same subjects."""
    return _digest({kind: [record.code for record in batch.records_of(kind)] for kind in SubjectKind})


def roster_names(cycle, unit) -> dict[SubjectKind, dict[str, str]]:
    """The unit's subjects as they stand, code → name by kind (no records built)."""
    members = {} if unit.level == "district" else dict(db.session.execute(
        members_listed(cycle, unit, Person.code, Person.full_name)[0]).all())
    return {SubjectKind.MEMBER: members, **_names_but_members(cycle, unit)}


def _names_but_members(cycle, unit) -> dict[SubjectKind, dict[str, str]]:
    """The unit's party organisations, leadership collectives and leader posts (named by their holder) as they
    stand, code → name: a few rows each."""
    collectives = dict(db.session.execute(db.select(Collective.code, Collective.name).where(
        Collective.cycle_id == cycle.id, Collective.rated_in_id == unit.id)).all())
    leaders = dict(db.session.execute(
        db.select(LeaderPost.code, Person.full_name).join(Person, LeaderPost.person_id == Person.id)
        .where(LeaderPost.cycle_id == cycle.id, LeaderPost.rated_in_id == unit.id)).all())
    organisations = {record.code: record.name for record in organisation_records(unit)}
    return {SubjectKind.ORGANISATION: organisations, SubjectKind.COLLECTIVE: collectives, SubjectKind.LEADER: leaders}


def renamed_since_issued(cycle, unit) -> bool:
    """Whether a party organisation, a leadership collective or a leader post of the unit is named now otherwise
    than in a workbook issued to it (`renamed`): a change the digest misses, made by the unit form (a chi bộ
    renamed), the leadership page (a post given to another person, a collective renamed; these also mark
    `roster_changed_at`) or straight in the database; the workbook's signed name is then another's."""
    now = _names_but_members(cycle, unit)
    return any(renamed(issued_roster(text), now) for text in db.session.execute(
        db.select(Template.roster_json).filter_by(cycle_id=cycle.id, unit_id=unit.id)
        .where(Template.roster_json.is_not(None))).scalars())


def renamed(issued: dict[SubjectKind, dict[str, str]],
            now: dict[SubjectKind, dict[str, str]]) -> list[tuple[SubjectKind, str, str, str]]:
    """What changed since a workbook was issued that keeps every code, so the roster's digest misses it: a party
    organisation, a leadership collective or a leader post (named by its holder) on both rosters under another
    name — a post given to another person, a collective renamed — as (kind, code, name issued, name now). Both
    rosters are code → name by kind, as `issued_roster` and `roster_names` give them. Members are left out: their
    facts change through the roster import, which marks the change."""
    found = []
    for kind, names in now.items():
        listed = issued.get(kind, {}) if kind is not SubjectKind.MEMBER else {}
        found += [(kind, code, listed[code], name) for code, name in names.items()
                  if code in listed and listed[code] != name]
    return found


def names_digest(names: dict[SubjectKind, dict[str, str]]) -> str:
    """roster_digest of a roster given as roster_names (or roster_codes) gives it."""
    return _digest(names)


def roster_codes(cycle, unit) -> dict[SubjectKind, list[str]]:
    """Who is on the unit's roster now, codes only, by kind: what its digest needs, asked on every upload. The
    members as `members_listed` lists them, but by two plain queries (its own, by the indexed unit; those in
    temporary activity at one of its chi bộ, `_temporary_listing` turned around) instead of outer joins that read
    every member of the district; the statements built once (`_CODES`), as building them cost as much as running
    them for a unit of 500."""
    known = {"cycle": cycle.id, "unit": unit.id}
    rows = db.session.connection().execute  # plain rows of values: no ORM bookkeeping for 10,000 codes
    members = []
    if unit.level != "district":
        members = set(rows(_CODES["members"], known).scalars().all())
        # by the temporary chi bộ's index alone (the cycle's would read the whole district), the cycle checked here
        members.update(code for code, cycle_id in rows(_CODES["temporary"], known).all() if cycle_id == cycle.id)
    collectives = rows(_CODES["collectives"], known).scalars().all()
    leaders = rows(_CODES["leaders"], known).scalars().all()
    return {SubjectKind.MEMBER: members, SubjectKind.ORGANISATION: [record.code for record in organisation_records(unit)],
            SubjectKind.COLLECTIVE: collectives, SubjectKind.LEADER: leaders}


def _code_statements() -> dict:
    cycle, unit = bindparam("cycle"), bindparam("unit")
    sub_committees = db.select(Unit.id).where(Unit.parent_id == unit, Unit.kind == "sub_committee")
    cells = db.select(Unit.id).where((Unit.id == unit) | (Unit.parent_id == unit) | Unit.parent_id.in_(sub_committees))
    return {
        "members": db.select(Person.code).where(Person.cycle_id == cycle, Person.grassroots_id == unit),
        "temporary": db.select(Person.code, Person.cycle_id).where(Person.temporary_cell_id.in_(cells)),
        "collectives": db.select(Collective.code).where(Collective.cycle_id == cycle, Collective.rated_in_id == unit),
        "leaders": db.select(LeaderPost.code).where(LeaderPost.cycle_id == cycle, LeaderPost.rated_in_id == unit),
    }


_CODES = _code_statements()


def issued_roster_json(batch: UnitBatch) -> str:
    """Who a workbook lists, {kind: {code: name}}, kept with the issued template."""
    return json.dumps({kind.code: {record.code: record.name for record in batch.records_of(kind)}
                       for kind in SubjectKind}, ensure_ascii=False, separators=(",", ":"))


def issued_roster(text: str) -> dict[SubjectKind, dict[str, str]]:
    return {SubjectKind(kind): dict(names) for kind, names in json.loads(text).items()}


def _digest(codes_by_kind) -> str:
    codes = {kind.code: sorted(codes_by_kind.get(kind, ())) for kind in SubjectKind}
    return hashlib.sha256(json.dumps(codes, sort_keys=True).encode()).hexdigest()


def mark_roster_changed(cycle, unit_ids) -> None:
    """Remember that an admin changed these units' rosters now: the dashboard shows it against a submission
    made before. (The unit's own page compares the roster itself with the one its workbook was issued for.)"""
    from kdweb.models import UnitCycle
    from kdweb.models.base import utcnow

    unit_ids = {unit_id for unit_id in unit_ids if unit_id is not None}
    if cycle is None or not unit_ids:
        return
    db.session.execute(
        update(UnitCycle).where(UnitCycle.cycle_id == cycle.id, UnitCycle.unit_id.in_(unit_ids))
        .values(roster_changed_at=utcnow())  # not a workflow state: the revision (the state's lock) stays
        .execution_options(synchronize_session=False)
    )
