"""District-wide checks (X-HEAD, Q-20 across units, O-HTXSNV across workbooks…) over the current submissions:
each subject's full record as read from its upload is stored with its rating, so the checks across workbooks
decide on the same records a single workbook's check saw, and no workbook is read again. Also: every
submitted or approved unit whose submission no longer matches the roster of record (X-ROSTER).

A plain function of the cycle (no request, no commit): a job queue may run it as it is."""
from collections import defaultdict

from sqlalchemy.orm import aliased

from kdweb.extensions import db
from kdweb.models import Collective, LeaderPost, QuotaMark, Rating, Submission, Unit, UnitCycle, Upload
from kdweb.reports import BASES
from kdweb.rules import (
    CollectiveRecord, LeaderRecord, Level, MemberRecord, NotRatedReason, OrganisationRecord, Severity, SubjectKind,
    UnitBatch, get_rule_set, sorted_findings, validate_district,
)
from kdweb.rules import Finding as RuleFinding
from kdweb.rules.checks_quota_groups import mark_as_now
from kdweb.rules.roster_after import facts_changed_after_submission
from kdweb.rules.roster_changes import ROSTER_CHANGED
from kdweb.rules.stored import record_from_json
from kdweb.services.roster import roster_names, roster_of_record



def current_batches(cycle) -> tuple[list[UnitBatch], dict[str, str]]:
    """One batch per unit whose current submission is waiting or approved; and unit code → name."""
    units = dict(db.session.execute(
        db.select(Submission.upload_id, Unit.code)
        .join(UnitCycle, UnitCycle.submission_id == Submission.id).join(Unit, UnitCycle.unit_id == Unit.id)
        .where(UnitCycle.cycle_id == cycle.id, Submission.state.in_(BASES["submitted"]),
               Unit.expected_clause(cycle.review_date, is_open=cycle.is_open))  # a unit merged before the review date: its successor
    ).all())
    names = dict(db.session.execute(db.select(Unit.code, Unit.name).where(Unit.code.in_(units.values()))).all())
    heads = leader_heads(cycle)
    led = collective_led_units(cycle)
    records = defaultdict(lambda: defaultdict(list))
    if units:
        for rating in db.session.execute(db.select(Rating).where(Rating.upload_id.in_(units))).scalars():
            unit_code = units[rating.upload_id]
            kind = SubjectKind(rating.subject_kind)
            if rating.record_json:
                record = record_from_json(kind, rating.record_json)
            else:  # stored before full records were kept
                record = record_of(kind, rating, unit_code, heads, led)
            records[unit_code][kind].append(record)
    batches = [UnitBatch(unit_code=code, unit_name=names.get(code, ""), review_date=cycle.review_date,
                         members=records[code][SubjectKind.MEMBER], organisations=records[code][SubjectKind.ORGANISATION],
                         collectives=records[code][SubjectKind.COLLECTIVE], leaders=records[code][SubjectKind.LEADER])
               for code in sorted(units.values())]
    if get_rule_set(cycle.rule_set_id).scored:
        mark_as_the_cycle_does(cycle, batches)
    return batches, names


def mark_as_the_cycle_does(cycle, batches) -> None:
    """Each record's "outstanding group" mark (Q-25) as the cycle holds it now, not as it was signed into the
    workbook when issued: the report's quota table reads the cycle's marks, and an admin may add or remove one after
    units have submitted (docs/rulebook-366.md §5, §7)."""
    marked = set(db.session.execute(
        db.select(Unit.code, QuotaMark.subject_kind).join(Unit, QuotaMark.unit_id == Unit.id)
        .where(QuotaMark.cycle_id == cycle.id)).all())
    for batch in batches:
        mark_as_now(batch, {kind for unit_code, kind in marked if unit_code == batch.unit_code})


def record_of(kind, rating, unit_code, heads, led):
    common = dict(code=rating.subject_code, name=rating.subject_name, unit_code=unit_code,
                  level=Level(rating.level) if rating.level else None,
                  not_rated=rating.level is None and rating.not_rated_reason is not None,
                  not_rated_reason=NotRatedReason(rating.not_rated_reason) if rating.not_rated_reason else None,
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


def district_findings(cycle, alive=lambda: None):
    """`alive` is called now and then: a job's heartbeat (a city takes a minute of CPU)."""
    batches, names = current_batches(cycle)
    alive()
    findings = validate_district(batches, get_rule_set(cycle.rule_set_id))
    alive()
    findings = sorted_findings([*findings, *roster_mismatches(cycle, batches, alive)])
    return findings, names, len(batches)


def roster_mismatches(cycle, batches, alive=lambda: None) -> list[RuleFinding]:
    """A unit whose submission (waiting or approved) no longer matches its roster of record: who was added to
    or left the roster since the workbook was checked, and whose roster facts were corrected since (each named,
    an error where the submitted result no longer holds under the facts as they stand)."""
    units = {unit.code: unit for unit in db.session.execute(
        db.select(Unit).where(Unit.code.in_([batch.unit_code for batch in batches]))).scalars()}
    rule_set = get_rule_set(cycle.rule_set_id)
    changed_since = roster_changed_since_checked(cycle)
    findings = []
    for batch in batches:
        alive()
        unit = units.get(batch.unit_code)
        if unit is None:
            continue
        if unit.code in changed_since:
            findings.extend(facts_changed_after_submission(
                batch, roster_of_record(cycle, unit, every_fact=True), rule_set))
        now = roster_names(cycle, unit)  # codes and names only: no records built for every unit
        for kind in SubjectKind:
            rated = {record.code: record.name for record in batch.records_of(kind)}
            current = now[kind]
            added = sorted(current.keys() - rated.keys())
            gone = sorted(rated.keys() - current.keys())
            if added or gone:
                findings.append(_mismatch(batch, kind, added, gone, current, rated))
    return findings


def roster_changed_since_checked(cycle) -> set[str]:
    """Codes of the units whose roster an admin changed after the upload behind their current submission was
    received: only their stored facts may differ from the roster's (the upload was checked with the facts then).
    An upload stored before full records were kept has no facts to compare."""
    without_facts = db.select(Rating.id).where(Rating.upload_id == Upload.id, Rating.record_json.is_(None)).exists()
    return set(db.session.execute(
        db.select(Unit.code).join(UnitCycle, UnitCycle.unit_id == Unit.id)
        .join(Submission, Submission.id == UnitCycle.submission_id).join(Upload, Upload.id == Submission.upload_id)
        .where(UnitCycle.cycle_id == cycle.id, UnitCycle.roster_changed_at.is_not(None),
               UnitCycle.roster_changed_at >= Upload.created_at, ~without_facts)
    ).scalars())


def _mismatch(batch, kind, added, gone, current, rated) -> RuleFinding:
    def named(codes, names):
        shown = ", ".join(f"{names[code]} ({code})" for code in codes[:5])
        return shown + (f" và {len(codes) - 5} người/đơn vị khác" if len(codes) > 5 else "")

    parts = []
    if added:
        parts.append(f"thêm vào danh sách sau khi đơn vị nộp: {named(added, current)}")
    if gone:
        parts.append(f"không còn trong danh sách: {named(gone, rated)}")
    return RuleFinding(
        rule=ROSTER_CHANGED, severity=Severity.ERROR, subject_kind=kind, subject_code=batch.unit_code,
        subject_name=batch.unit_name, field=None,
        message=(f"{batch.unit_name} ({batch.unit_code}): kết quả đã nộp không còn khớp với danh sách "
                 f"{kind.text.lower()} hiện tại ({'; '.join(parts)}). Trả lại để đơn vị tải mẫu mới và nộp lại."),
        unit_code=batch.unit_code,
    )
