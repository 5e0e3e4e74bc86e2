"""The subjects a reporting unit rates, read from the roster as the rules engine's records (identity facts only)."""
from sqlalchemy.orm import aliased

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Person, QuotaMark, Unit
from kdweb.rules import (
    CollectiveRecord, Discipline, LeaderRecord, MemberRecord, OrganisationRecord, OrgKind, SubjectKind, UnitBatch,
    get_rule_set,
)


def roster_batch(cycle, unit) -> UnitBatch:
    batch = UnitBatch(
        unit_code=unit.code, unit_name=unit.name, review_date=cycle.review_date,
        members=member_records(cycle, unit), organisations=organisation_records(unit),
        collectives=collective_records(cycle, unit), leaders=leader_records(cycle, unit),
    )
    batch.expected = {kind: [record.code for record in batch.records_of(kind)] for kind in SubjectKind}
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
    return cell.parent if cell.kind in ("cell", "sub_committee") else cell


def member_records(cycle, unit) -> list[MemberRecord]:
    if unit.level == "district":
        return []
    cell, temporary_cell = aliased(Unit), aliased(Unit)
    rows = db.session.execute(
        db.select(Person, cell.code, cell.name, temporary_cell.parent_id, temporary_cell.id)
        .join(cell, Person.cell_id == cell.id)
        .outerjoin(temporary_cell, Person.temporary_cell_id == temporary_cell.id)
        .where(Person.cycle_id == cycle.id)
        .where((Person.grassroots_id == unit.id)
               | (temporary_cell.id == unit.id) | (temporary_cell.parent_id == unit.id))
        .order_by(cell.sort_order, Person.code)
    ).all()
    records = []
    for person, cell_code, cell_name, temporary_parent_id, temporary_id in rows:
        official_here = person.grassroots_id == unit.id
        temporary_here = not official_here
        records.append(MemberRecord(
            code=person.code, name=person.full_name, unit_code=unit.code, cell_code=cell_code, cell_name=cell_name,
            birth_date=person.birth_date, probationary=person.probationary, admitted_on=person.admitted_on,
            exempt=person.exempt, suspended=person.suspended, committee_suspended=person.committee_suspended,
            transferred_in=person.transferred_in_on is not None, months_at_old_place=person.months_at_old_place,
            temporary_activity=temporary_here,
            temporary_activity_elsewhere=official_here and temporary_id is not None
            and unit.id not in (temporary_id, temporary_parent_id),
            is_civil_servant=person.is_civil_servant, post=person.post or "",
            **known_discipline(person.discipline_form),
        ))
    return records


def known_discipline(form: str | None) -> dict:
    """A discipline the roster already records is pre-filled in the workbook; the unit may correct it."""
    discipline = next((d for d in Discipline if d.code == (form or "").upper()), None)
    return {"disciplined_in_year": True, "discipline": discipline} if discipline else {}


def organisation_records(unit) -> list[OrganisationRecord]:
    if unit.level == "district":
        rated = db.session.execute(
            db.select(Unit).where(Unit.parent_id == unit.id, Unit.reports.is_(True), Unit.active.is_(True))
            .order_by(Unit.sort_order)
        ).scalars().all()
    elif unit.kind == "grassroots_committee":
        rated = [child for child in unit.children if child.active]
    else:
        rated = []
    return [OrganisationRecord(code=org.code, name=org.name, unit_code=unit.code, kind=OrgKind(org.kind),
                               parent_code=unit.code, group=org.group or "") for org in rated]


def collective_records(cycle, unit) -> list[CollectiveRecord]:
    led = aliased(Unit)
    rows = db.session.execute(
        db.select(Collective, led.code).outerjoin(led, Collective.leads_unit_id == led.id)
        .where(Collective.cycle_id == cycle.id, Collective.rated_in_id == unit.id).order_by(Collective.code)
    ).all()
    return [CollectiveRecord(code=c.code, name=c.name, unit_code=unit.code, collective_type=c.collective_type,
                             led_unit_code=led_code or "", founded_on=c.founded_on) for c, led_code in rows]


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
                         post_group=post.equivalent_group, heads=tuple(c for c in (unit_code, collective_code) if c))
            for post, name, unit_code, collective_code in rows]
