"""The yearly cycle (đợt): create it with its rule set and deadlines, open it, close it. One cycle is open at a
time. Opening a year for the first time copies the roster of the latest earlier year (members, collectives,
leadership posts) and gives every active reporting unit its row; the unit tree itself is global."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert

from kdweb.extensions import db
from kdweb.models import Collective, Cycle, LeaderPost, Person, QuotaMark, Template, Unit, UnitCycle
from kdweb.models.base import utcnow
from kdweb.rules import DEFAULT_RULE_SET_ID, RULE_SETS, SubjectKind, get_rule_set, parse_date
from kdweb.rules.messages import percent
from kdweb.rules.parameters import describe, switched_off
from kdweb.services import audit
from kdweb.services.admin import AdminRefusal
from kdweb.services.cycles import cycle_by_year
from kdweb.services.transaction import use_case

BATCH = 5000
# Known only for the year it happened in: a new year starts without it.
YEARLY_PERSON_FIELDS = ("discipline_form",)


def default_dates(year: int) -> dict[str, date]:
    """Plan 174-KH/QU: review date 01/12, grassroots deadline 15/12, district deadline 31/12."""
    return {"review_date": date(year, 12, 1), "grassroots_deadline": date(year, 12, 15),
            "district_deadline": date(year, 12, 31)}


def all_cycles() -> list[Cycle]:
    return db.session.execute(db.select(Cycle).order_by(Cycle.year.desc())).scalars().all()


def rule_set_choices() -> list[tuple[str, str]]:
    return [(rule_set_id, rule_set.title) for rule_set_id, rule_set in RULE_SETS.items()]


def rule_set_parameters(rule_set_id: str) -> dict:
    """The cycle's rule set as the admin page shows it: its parameters, UNCONFIRMED ones marked, and the codes
    switched off."""
    rule_set = get_rule_set(rule_set_id)
    return {"title": rule_set.title, "rows": describe(rule_set), "switched_off": switched_off(rule_set),
            "scored": rule_set.scored, "quota_share": percent(rule_set.share("quota_share")),
            "outstanding_share": outstanding_share(rule_set_id)}


def outstanding_share(rule_set_id: str) -> str:
    """An outstanding group's HTXSNV share (Q-25) as the cycle's rule set sets it, e.g. "25%"."""
    return percent(get_rule_set(rule_set_id).share("quota_outstanding_share"))


def quota_marks(cycle: Cycle) -> list[QuotaMark]:
    return db.session.execute(
        db.select(QuotaMark).join(Unit).filter(QuotaMark.cycle_id == cycle.id).order_by(Unit.sort_order, Unit.code,
                                                                                         QuotaMark.subject_kind)
    ).scalars().all()


@use_case
def add_quota_mark(actor, cycle: Cycle, unit_code: str, kind_code: str) -> QuotaMark:
    """Mark one unit's subjects of one kind an outstanding group (up to 25 % HTXSNV, Q-25): the next workbook
    the unit downloads carries it as a signed fact."""
    unit = db.session.execute(db.select(Unit).filter_by(code=(unit_code or "").strip())).scalar_one_or_none()
    if unit is None or not unit.reports:
        raise AdminRefusal("Chọn một đơn vị báo cáo có trong cây đơn vị.")
    if kind_code not in {kind.code for kind in SubjectKind}:
        raise AdminRefusal("Chọn loại đối tượng.")
    existing = db.session.execute(db.select(QuotaMark).filter_by(
        cycle_id=cycle.id, unit_id=unit.id, subject_kind=kind_code)).scalar_one_or_none()
    if existing is not None:
        return existing
    mark = QuotaMark(cycle_id=cycle.id, unit_id=unit.id, subject_kind=kind_code)
    db.session.add(mark)
    db.session.flush()
    audit.record("quota_mark_added", user=actor, unit=unit, target=mark, year=cycle.year, kind=kind_code)
    db.session.commit()
    return mark


@use_case
def remove_quota_mark(actor, cycle: Cycle, mark_id: int) -> None:
    mark = db.session.get(QuotaMark, mark_id)
    if mark is None or mark.cycle_id != cycle.id:
        raise AdminRefusal("Không tìm thấy đánh dấu này.")
    audit.record("quota_mark_removed", user=actor, unit=mark.unit, target=mark, year=cycle.year,
                 kind=mark.subject_kind)
    db.session.delete(mark)
    db.session.commit()


@use_case
def create_cycle(actor, *, year, rule_set_id=DEFAULT_RULE_SET_ID, **dates) -> Cycle:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise AdminRefusal("Năm phải là số, ví dụ 2026.") from None
    if not 2000 <= year <= 2100:
        raise AdminRefusal("Năm phải trong khoảng 2000–2100.")
    if cycle_by_year(year) is not None:
        raise AdminRefusal(f"Đã có đợt kiểm điểm năm {year}.")
    cycle = Cycle(year=year, is_open=False, **_checked(rule_set_id, {**default_dates(year), **_given(dates)}))
    db.session.add(cycle)
    db.session.flush()
    audit.record("cycle_created", user=actor, target=cycle, year=year, **_described(cycle))
    db.session.commit()
    return cycle


@use_case
def update_cycle(actor, cycle: Cycle, *, rule_set_id, **dates) -> Cycle:
    values = _checked(rule_set_id, {**_current_dates(cycle), **_given(dates)})
    if values["rule_set_id"] != cycle.rule_set_id and _has_issued_workbooks(cycle):
        raise AdminRefusal(
            f"Đợt năm {cycle.year} đã có đơn vị tải mẫu theo bộ quy tắc {cycle.rule_set_id}: không đổi được bộ quy "
            "tắc nữa (các tệp đã phát hành vẫn được đọc theo bộ quy tắc của chúng)."
        )
    before = _described(cycle)
    for key, value in values.items():
        setattr(cycle, key, value)
    changes = {key: [before[key], value] for key, value in _described(cycle).items() if before[key] != value}
    if changes:
        added = _add_unit_rows(cycle) if cycle.is_open and "review_date" in changes else 0  # expected units follow it
        audit.record("cycle_updated", user=actor, target=cycle, year=cycle.year, changes=changes,
                     **({"unit_rows_added": added} if added else {}))
        db.session.commit()
    return cycle


def _has_issued_workbooks(cycle: Cycle) -> bool:
    return db.session.scalar(db.select(Template.id).filter_by(cycle_id=cycle.id).limit(1)) is not None


@dataclass
class Opened:
    cycle: Cycle
    copied_from: int | None = None  # the year whose roster was copied
    members: int = 0
    collectives: int = 0
    leader_posts: int = 0
    unit_rows: int = 0


@use_case
def open_review_cycle(actor, cycle: Cycle) -> Opened:
    others = db.session.execute(
        db.select(Cycle).where(Cycle.is_open.is_(True), Cycle.id != cycle.id).with_for_update()).scalars().all()
    if others:
        raise AdminRefusal(f"Đợt năm {others[0].year} đang mở; hãy đóng đợt đó trước khi mở đợt khác.")
    if cycle.is_open:
        return Opened(cycle)
    first_time = cycle.opened_at is None
    result = _copy_roster(cycle) if first_time else Opened(cycle)
    result.unit_rows = _add_unit_rows(cycle)
    cycle.is_open, cycle.opened_at, cycle.closed_at = True, cycle.opened_at or utcnow(), None
    audit.record("cycle_opened", user=actor, target=cycle, year=cycle.year, first_time=first_time,
                 copied_from=result.copied_from, members=result.members, collectives=result.collectives,
                 leader_posts=result.leader_posts, unit_rows=result.unit_rows)
    db.session.commit()
    return result


@dataclass
class CloseEffect:
    """What closing a cycle does, said before it is done."""
    units: int
    not_submitted: int
    waiting: int
    approved: int


def close_effect(cycle: Cycle) -> CloseEffect:
    counts = dict(db.session.execute(
        db.select(UnitCycle.status, func.count()).join(Unit, Unit.id == UnitCycle.unit_id)
        .where(UnitCycle.cycle_id == cycle.id, Unit.valid_on_clause(cycle.review_date))  # the units it expects
        .group_by(UnitCycle.status)).all())
    units = sum(counts.values())
    waiting, approved = counts.get("submitted", 0), counts.get("approved", 0)
    return CloseEffect(units, units - waiting - approved, waiting, approved)


@use_case
def close_review_cycle(actor, cycle: Cycle, typed_year: str | None = None) -> Cycle:
    """Close the cycle; the year must be typed back, so one stray click cannot stop every unit's work."""
    if not cycle.is_open:
        return cycle
    if (typed_year or "").strip() != str(cycle.year):
        raise AdminRefusal(f"Gõ đúng năm {cycle.year} để xác nhận đóng đợt.")
    cycle.is_open, cycle.closed_at = False, utcnow()
    audit.record("cycle_closed", user=actor, target=cycle, year=cycle.year)
    db.session.commit()
    return cycle


def _copy_roster(cycle: Cycle) -> Opened:
    result = Opened(cycle)
    if db.session.scalar(db.select(func.count(Person.id)).filter_by(cycle_id=cycle.id)):
        return result  # this year already has its own roster
    source = db.session.execute(
        db.select(Cycle).where(Cycle.year < cycle.year, db.select(Person.id).where(Person.cycle_id == Cycle.id).exists())
        .order_by(Cycle.year.desc()).limit(1)).scalar_one_or_none()
    if source is None:
        return result
    result.copied_from = source.year
    person_ids = _copy_rows(Person, source, cycle, reset=YEARLY_PERSON_FIELDS)
    collective_ids = _copy_rows(Collective, source, cycle)
    posts = _copy_rows(LeaderPost, source, cycle, person_id=person_ids, heads_collective_id=collective_ids)
    result.members, result.collectives, result.leader_posts = len(person_ids), len(collective_ids), len(posts)
    return result


def _copy_rows(model, source: Cycle, cycle: Cycle, reset=(), **remap) -> dict[int, int]:
    """Copy a per-cycle table's rows to the new cycle; returns old id → new id (matched by code)."""
    table = model.__table__
    columns = [column for column in table.columns if column.name not in ("id", "cycle_id")]
    rows, old_ids = [], {}
    for record in db.session.execute(db.select(table.c.id, *columns).where(table.c.cycle_id == source.id)).mappings():
        row = {column.name: record[column.name] for column in columns}
        row.update({name: None for name in reset})
        for name, ids in remap.items():
            row[name] = ids.get(row[name]) if row[name] is not None else None
        row["cycle_id"] = cycle.id
        rows.append(row)
        old_ids[record["code"]] = record["id"]
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])
    new_ids = dict(db.session.execute(db.select(table.c.code, table.c.id).where(table.c.cycle_id == cycle.id)).all())
    return {old_ids[code]: new_ids[code] for code in old_ids}


def _add_unit_rows(cycle: Cycle) -> int:
    """Every active reporting unit valid at the cycle's review date gets its row (units merged or dissolved
    before it, or founded after it, are not expected to report); a row of a unit no longer expected goes, unless
    the unit has uploaded (its files stay, shown as no longer expected). Returns how many rows were added."""
    rows = dict(db.session.execute(
        db.select(UnitCycle.unit_id, UnitCycle).filter_by(cycle_id=cycle.id)).all())
    expected = set(db.session.execute(
        db.select(Unit.id).filter_by(reports=True, active=True).where(Unit.valid_on_clause(cycle.review_date))
    ).scalars())
    for unit_id, state in rows.items():
        if unit_id not in expected and state.latest_upload_id is None and state.submission_id is None:
            db.session.delete(state)
    missing = sorted(expected - set(rows))
    for unit_id in missing:
        db.session.add(UnitCycle(cycle_id=cycle.id, unit_id=unit_id, status="not_downloaded"))
    return len(missing)


def _given(dates: dict) -> dict:
    return {key: value for key, value in dates.items() if value not in (None, "")}


def _current_dates(cycle: Cycle) -> dict:
    return {"review_date": cycle.review_date, "grassroots_deadline": cycle.grassroots_deadline,
            "district_deadline": cycle.district_deadline}


def _date_labels() -> dict[str, str]:
    from kdweb.services.superior import current_superior

    return {"review_date": "Thời điểm đánh giá", "grassroots_deadline": "Hạn nộp cấp cơ sở",
            "district_deadline": f"Hạn nộp {current_superior().level_name}"}


def _checked(rule_set_id, dates: dict) -> dict:
    if rule_set_id not in RULE_SETS:
        raise AdminRefusal("Chọn bộ quy tắc trong danh sách.")
    values = {"rule_set_id": rule_set_id}
    labels = _date_labels()
    for key, label in labels.items():
        parsed = parse_date(dates.get(key))
        if not parsed.ok or parsed.value is None:
            raise AdminRefusal(f"{label}: ghi ngày theo dạng ngày/tháng/năm, ví dụ 15/12/2026.")
        values[key] = parsed.value
    if values["grassroots_deadline"] > values["district_deadline"]:
        raise AdminRefusal(f"Hạn nộp cấp cơ sở không được sau {labels['district_deadline'].lower()}.")
    if values["review_date"] > values["district_deadline"]:
        raise AdminRefusal(f"Thời điểm đánh giá không được sau {labels['district_deadline'].lower()}.")
    return values


def _described(cycle: Cycle) -> dict:
    return {"rule_set_id": cycle.rule_set_id, "review_date": cycle.review_date.strftime("%d/%m/%Y"),
            "grassroots_deadline": cycle.grassroots_deadline.strftime("%d/%m/%Y"),
            "district_deadline": cycle.district_deadline.strftime("%d/%m/%Y")}
