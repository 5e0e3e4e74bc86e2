"""Small factories for the rows the upload flow writes: an upload with its ratings, a submission, and the
unit's current submission in the cycle. Subjects are plain dicts, so tests can count them independently.
"""
from __future__ import annotations

import random
from datetime import date

from kdweb.extensions import db
from kdweb.models import Cycle, Rating, Submission, Unit, UnitCycle, Upload, User

LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")


def subject(kind: str, code: str, level: str | None = "HTTNV", *, reason: str | None = None,
            disciplined: bool = False, group: str | None = None, name: str | None = None,
            remarks: str | None = None) -> dict:
    if level is None and reason is None:
        reason = "OTHER"
    return {"subject_kind": kind, "subject_code": code, "subject_name": name or f"Đối tượng {code}",
            "group": group, "level": level, "not_rated_reason": None if level else reason,
            "disciplined": disciplined, "remarks": remarks}


def members(prefix: str, levels: str = "", *, reasons: tuple[str, ...] = (), disciplined: int = 0) -> list[dict]:
    """levels spelled with one letter each: X=HTXSNV, T=HTTNV, N=HTNV, K=KHTNV; the first `disciplined`
    KHTNV members are disciplined."""
    letters = {"X": "HTXSNV", "T": "HTTNV", "N": "HTNV", "K": "KHTNV"}
    rows, left = [], disciplined
    for index, letter in enumerate(levels, 1):
        level = letters[letter]
        punished = level == "KHTNV" and left > 0
        left -= 1 if punished else 0
        rows.append(subject("MEMBER", f"{prefix}-{index:03d}", level, disciplined=punished))
    for index, reason in enumerate(reasons, len(levels) + 1):
        rows.append(subject("MEMBER", f"{prefix}-{index:03d}", None, reason=reason))
    return rows


def random_subjects(kind: str, prefix: str, count: int, seed: int, groups: tuple[str | None, ...] = (None,),
                    names: tuple[str, ...] = ()) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for index in range(1, count + 1):
        roll = rng.random()
        name = names[index - 1] if index <= len(names) else None
        if roll < 0.12:
            rows.append(subject(kind, f"{prefix}-{index:03d}", None, group=rng.choice(groups), name=name,
                                reason=rng.choice(("EXEMPT", "SUSPENDED", "NEW", "TEMPORARY", "OTHER"))))
            continue
        level = rng.choices(LEVELS, (15, 60, 20, 5))[0]
        rows.append(subject(kind, f"{prefix}-{index:03d}", level, group=rng.choice(groups), name=name,
                            disciplined=level == "KHTNV" or rng.random() < 0.03,
                            remarks=rng.choice((None, "Đã có nhận xét", "=1+2"))))
    return rows


def send_result(cycle: Cycle, unit: Unit, subjects: list[dict], state: str = "approved") -> Submission:
    """A unit's upload with these ratings, submitted and (by default) approved; it becomes the current one."""
    user = db.session.scalars(db.select(User).order_by(User.id)).first()
    version = 1 + (db.session.scalar(
        db.select(db.func.max(Upload.version)).filter_by(cycle_id=cycle.id, unit_id=unit.id)) or 0)
    upload = Upload(cycle_id=cycle.id, unit_id=unit.id, user_id=user.id, version=version,
                    filename=f"{unit.code}-v{version}.xlsx", size=1, sha256=f"{unit.id:08d}{version:056d}",
                    content=b"x", outcome="valid")
    db.session.add(upload)
    db.session.flush()
    db.session.add_all(Rating(upload_id=upload.id, **row) for row in subjects)
    submission = Submission(cycle_id=cycle.id, unit_id=unit.id, upload_id=upload.id, submitted_by_id=user.id,
                            state=state)
    db.session.add(submission)
    db.session.flush()
    unit_cycle = db.session.execute(
        db.select(UnitCycle).filter_by(cycle_id=cycle.id, unit_id=unit.id)).scalar_one_or_none()
    if unit_cycle is None:
        unit_cycle = UnitCycle(cycle_id=cycle.id, unit_id=unit.id)
        db.session.add(unit_cycle)
    unit_cycle.submission_id = submission.id
    unit_cycle.status = state
    db.session.flush()
    return submission


def add_cycle(year: int) -> Cycle:
    cycle = Cycle(year=year, rule_set_id="qd132-hd21", review_date=date(year, 12, 1),
                  grassroots_deadline=date(year, 12, 15), district_deadline=date(year, 12, 31), is_open=False)
    db.session.add(cycle)
    db.session.flush()
    return cycle


def unit(code: str) -> Unit:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()


def cycle(year: int) -> Cycle:
    return db.session.execute(db.select(Cycle).filter_by(year=year)).scalar_one()
