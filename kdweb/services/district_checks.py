"""District-wide checks (X-HEAD, Q-20 across units) over the current submissions, rebuilt from stored ratings
and the roster's links, so no workbook is read again."""
from collections import defaultdict

from sqlalchemy.orm import aliased

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, Rating, Submission, Unit, UnitCycle
from kdweb.rules import (
    CollectiveRecord, LeaderRecord, Level, MemberRecord, NotRatedReason, OrganisationRecord, SubjectKind, UnitBatch,
    get_rule_set, validate_district,
)

BASIS_STATES = ("submitted", "approved")


def current_batches(cycle) -> tuple[list[UnitBatch], dict[str, str]]:
    """One batch per unit whose current submission is waiting or approved; and unit code → name."""
    units = dict(db.session.execute(
        db.select(Submission.upload_id, Unit.code)
        .join(UnitCycle, UnitCycle.submission_id == Submission.id).join(Unit, UnitCycle.unit_id == Unit.id)
        .where(UnitCycle.cycle_id == cycle.id, Submission.state.in_(BASIS_STATES))
    ).all())
    names = dict(db.session.execute(db.select(Unit.code, Unit.name).where(Unit.code.in_(units.values()))).all())
    heads = leader_heads(cycle)
    led = collective_led_units(cycle)
    records = defaultdict(lambda: defaultdict(list))
    if units:
        for rating in db.session.execute(db.select(Rating).where(Rating.upload_id.in_(units))).scalars():
            unit_code = units[rating.upload_id]
            kind = SubjectKind(rating.subject_kind.upper())
            records[unit_code][kind].append(record_of(kind, rating, unit_code, heads, led))
    batches = [UnitBatch(unit_code=code, unit_name=names.get(code, ""), review_date=cycle.review_date,
                         members=records[code][SubjectKind.MEMBER], organisations=records[code][SubjectKind.ORGANISATION],
                         collectives=records[code][SubjectKind.COLLECTIVE], leaders=records[code][SubjectKind.LEADER])
               for code in sorted(units.values())]
    return batches, names


def record_of(kind, rating, unit_code, heads, led):
    common = dict(code=rating.subject_code, name=rating.subject_name, unit_code=unit_code,
                  level=Level(rating.level) if rating.level else None,
                  not_rated=rating.level is None and rating.not_rated_reason is not None,
                  not_rated_reason=NotRatedReason(rating.not_rated_reason.upper()) if rating.not_rated_reason else None,
                  disciplined_in_year=rating.disciplined)
    if kind is SubjectKind.MEMBER:
        return MemberRecord(**common)
    if kind is SubjectKind.ORGANISATION:
        return OrganisationRecord(**common, group=rating.group or "")
    if kind is SubjectKind.COLLECTIVE:
        return CollectiveRecord(**common, collective_type=rating.group or "", led_unit_code=led.get(rating.subject_code, ""))
    return LeaderRecord(**common, post_group=rating.group or "", heads=heads.get(rating.subject_code, ()))


def leader_heads(cycle) -> dict[str, tuple[str, ...]]:
    unit, collective = aliased(Unit), aliased(Collective)
    rows = db.session.execute(
        db.select(LeaderPost.code, unit.code, collective.code)
        .outerjoin(unit, LeaderPost.heads_unit_id == unit.id)
        .outerjoin(collective, LeaderPost.heads_collective_id == collective.id)
        .where(LeaderPost.cycle_id == cycle.id)
    ).all()
    return {code: tuple(c for c in (unit_code, collective_code) if c) for code, unit_code, collective_code in rows}


def collective_led_units(cycle) -> dict[str, str]:
    return dict(db.session.execute(
        db.select(Collective.code, Unit.code).join(Unit, Collective.leads_unit_id == Unit.id)
        .where(Collective.cycle_id == cycle.id)
    ).all())


def district_findings(cycle):
    batches, names = current_batches(cycle)
    findings = validate_district(batches, get_rule_set(cycle.rule_set_id))
    return findings, names, len(batches)
