"""Checks every subject kind shares: a level or "Không xếp loại" with a reason, caps, grades, new subjects."""
from __future__ import annotations

from operator import attrgetter
from typing import Callable

from .dates import dmy, last_full_start
from .grading import Cap, grade_cap, missing_criteria
from .messages import quoted_level
from .ruleset import Check
from .terms import NOT_RATED_TEXT, Grade, Level, NotRatedReason, SubjectKind

CapRule = Callable[[object, object], "Cap | None"]  # (record, rule_set) -> Cap | None


def level_check(kind: SubjectKind) -> Check:
    """X-LEVEL: one of the four levels, or "Không xếp loại" with a reason; never both."""
    rule = f"{kind.prefix}-LEVEL"

    def run(ctx):
        for record in ctx.records(kind):
            if record.level is not None and record.not_rated_reason is None:
                continue
            if record.level is None and not record.not_rated and "level" not in record.unreadable:
                yield ctx.finding(rule, record, "level", _missing_level(record))
            elif record.not_rated and record.not_rated_reason is None and "not_rated_reason" not in record.unreadable:
                yield ctx.finding(rule, record, "not_rated_reason", f"ghi “{NOT_RATED_TEXT}” nhưng chưa ghi lý do.")
            elif record.level is not None and record.not_rated_reason is not None:
                yield ctx.finding(
                    rule, record, "not_rated_reason",
                    f"đã xếp loại {quoted_level(record.level)} nhưng vẫn ghi lý do không xếp loại "
                    f"“{record.not_rated_reason.text}”; bỏ lý do hoặc ghi “{NOT_RATED_TEXT}”.",
                )

    return Check(rule, kind, run)


def _missing_level(record) -> str:
    choices = "; ".join(f"“{level.text}”" for level in sorted(Level, reverse=True))
    reason = record.not_rated_reason
    hint = f" (đã ghi lý do “{reason.text}”: hãy ghi “{NOT_RATED_TEXT}”)" if reason else ""
    return f"chưa có mức xếp loại{hint}. Ghi một trong: {choices}; hoặc “{NOT_RATED_TEXT}” kèm lý do."


def cap_check(rule: str, kind: SubjectKind, cap: CapRule, trigger: str | None = None) -> Check:
    """A rule of the form "under this fact the level is at most X": the level cell is flagged when above X.
    `trigger` names the field without which the cap never applies, so most records skip the call."""
    triggered = attrgetter(trigger) if trigger else None

    def run(ctx):
        rule_set = ctx.rule_set
        records = ctx.records(kind)
        candidates = list(filter(triggered, records)) if triggered else records  # filter: 0.6x of a comprehension
        for record in candidates:
            level = record.level
            if level is None:
                continue
            found = cap(record, rule_set)
            if found is not None and level.rank > found.level.rank:
                yield ctx.finding(rule, record, "level", over_cap(found, level))

    return Check(rule, kind, run)


def person_discipline_cap(person, rule_set) -> Cap | None:
    """M-DISCIPLINE, L-DISCIPLINE: a member or leader disciplined in the year is KHTNV; a violation counted in an
    earlier year counts once."""
    if person.disciplined_in_year and not person.violation_counted_before:
        form = f" (hình thức {person.discipline.text.lower()})" if person.discipline else ""
        return Cap(Level.KHTNV, f"bị thi hành kỷ luật trong năm{form}")
    return None


def over_cap(cap: Cap, level: Level) -> str:
    verb = "phải xếp loại" if cap.level is Level.KHTNV else "chỉ được xếp loại tối đa"
    return f"{cap.reason}, nên {verb} {quoted_level(cap.level)}, không được xếp {quoted_level(level)}."


def _requirements(criteria) -> dict[int, tuple[frozenset[Grade], tuple[str, ...]]]:
    """For each level's rank: the grades no criterion may have, and the criteria that must be "Xuất sắc"
    (docs/rulebook.md §3 M-GRADES). Sets, because a rich comparison of these enums goes through Python: `in` is slow."""
    below_good = frozenset({Grade.TRUNG_BINH, Grade.KEM})
    tasks = tuple(criterion.code for criterion in criteria if criterion.task)
    return {
        Level.HTXSNV.rank: (below_good, tasks),
        Level.HTTNV.rank: (below_good, ()),
        Level.HTNV.rank: (frozenset({Grade.KEM}), ()),
        Level.KHTNV.rank: (frozenset(), ()),
    }


def grades_check(kind: SubjectKind, htxsnv_rule: str | None = None) -> Check:
    """X-GRADES: every criterion of a rated subject is graded, and the level is within what the grades allow.
    `htxsnv_rule` names the rule that owns the grade condition of HTXSNV for this kind (O-HTXSNV)."""
    rule = f"{kind.prefix}-GRADES"

    def run(ctx):
        rule_set = ctx.rule_set
        criteria = rule_set.criteria_of(kind)
        if not criteria:
            return
        codes = frozenset(criterion.code for criterion in criteria)
        requirements = _requirements(criteria)
        require = rule_set.require_grades
        verdicts = {}  # (id of a grades mapping, level) → (all graded, the level cell's message or None)
        for record in ctx.records(kind):
            level = record.level
            if level is None:
                continue
            grades = record.grades
            key = (id(grades), level)  # the mapping is alive, held by its record, for the whole run
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = verdicts[key] = _grades_verdict(grades, level, codes, requirements, criteria, require)
            complete, over = verdict
            if not complete:
                yield from _missing_grades(ctx, rule, record, criteria)
            if over is not None:
                owner = htxsnv_rule if htxsnv_rule and level is Level.HTXSNV else rule
                yield ctx.finding(owner, record, "level", over)

    return Check(rule, kind, run, also=(htxsnv_rule,) if htxsnv_rule else ())


def _grades_verdict(grades, level, codes, requirements, criteria, require) -> tuple[bool, str | None]:
    """Whether every criterion is graded, and what the level cell is told when the grades do not allow the level.
    Worked out once per grades mapping and level: rows that read alike share their grades mapping (one per distinct
    reading, docs/reading.md §11), so a 10,000-member sheet has a few hundred of them."""
    complete = not require or grades.keys() >= codes
    barred, must_excel = requirements[level.rank]
    if barred.isdisjoint(grades.values()) and (not must_excel or _all_excellent(grades, must_excel)):
        return complete, None
    cap = grade_cap(grades, criteria)
    return complete, over_cap(cap, level) if cap is not None else None


def _all_excellent(grades, codes) -> bool:
    excellent = Grade.XUAT_SAC
    for code in codes:
        grade = grades.get(code)
        if grade is not None and grade is not excellent:
            return False
    return True


def _missing_grades(ctx, rule, record, criteria):
    for criterion in missing_criteria(record.grades, criteria):
        if criterion.field in record.unreadable:
            continue
        yield ctx.finding(
            rule, record, criterion.field,
            f"chưa chấm cấp độ tiêu chí {criterion.code} “{criterion.title}” (Xuất sắc, Tốt, Trung bình hoặc Kém).",
        )


def new_subject_check(rule: str, kind: SubjectKind, date_field: str, started: str) -> Check:
    """M-NEW / O-NEW / C-NEW: less than six months before the review the subject is not rated; from six on, it is."""
    started_on = attrgetter(date_field)

    def run(ctx):
        months = ctx.rule_set.new_subject_months
        cutoff = last_full_start(ctx.review_date, months)
        if cutoff is None:
            return
        new_reason = NotRatedReason.NEW  # read once: an enum member read from its class is slow in a loop
        for record in ctx.records(kind):
            start = started_on(record)
            if start is None:
                continue
            is_new = start > cutoff
            if is_new and record.level is not None:
                yield ctx.finding(
                    rule, record, "level",
                    f"{started} ngày {dmy(start)}, chưa đủ {months} tháng đến ngày đánh giá {dmy(ctx.review_date)}, "
                    f"nên ghi “{NOT_RATED_TEXT}”, lý do “{NotRatedReason.NEW.text}”, "
                    f"không xếp {quoted_level(record.level)}.",
                )
            elif not is_new and record.not_rated and record.not_rated_reason is new_reason:
                yield ctx.finding(
                    rule, record, "not_rated_reason",
                    f"{started} ngày {dmy(start)}, đã đủ {months} tháng đến ngày đánh giá {dmy(ctx.review_date)}, "
                    f"nên phải được xếp loại, không ghi lý do “{NotRatedReason.NEW.text}”.",
                )

    return Check(rule, kind, run)
