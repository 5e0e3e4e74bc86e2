"""The 100-point rating of `qd366-hd43` (docs/rulebook-366.md): the level a score and its conditions allow, and the
checks S-SUM, S-BAND, S-COND, S-KHTNV (with the forced-KHTNV codes kept from docs/rulebook.md), S-DISCRETION and
P-QUARTER. Every number is a parameter of the rule set."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from .messages import percent, quoted_level
from .ruleset import Check, RuleSet
from .score_fields import DUTY_RELATED_VIOLATIONS
from .terms import NOT_RATED_TEXT, Level, NotRatedReason, Severity, SubjectKind

MEMBER, ORGANISATION, COLLECTIVE, LEADER = SubjectKind
LEVELS_DOWN = (Level.HTXSNV, Level.HTTNV, Level.HTNV)


@dataclass(frozen=True, slots=True)
class Forced:
    """A fact that makes the subject KHTNV, the rule code that reports it, and whether a waiver may apply."""

    rule: str
    reason: str
    waivable: bool = True


@dataclass(frozen=True)
class Assessment:
    total: Decimal | None  # score_common + score_tasks, exactly; None while either is blank
    band: Level | None  # the level the total's band gives
    failed: dict  # Level -> tuple of the conditions (texts) of that level that do not hold, lower levels' included
    forced: tuple[Forced, ...]
    waived: bool  # a waiver flag with a written reason
    floors: dict  # Level -> the lowest total of its band

    @property
    def conditions_level(self) -> Level:
        """The highest level whose conditions all hold (band_mode "floor"); KHTNV when none does."""
        return next((level for level in LEVELS_DOWN if not self.failed[level]), Level.KHTNV)

    @property
    def binding_forced(self) -> tuple[Forced, ...]:
        return tuple(item for item in self.forced if not (self.waived and item.waivable))

    @property
    def allowed(self) -> Level | None:
        """What score and conditions allow: None without a score."""
        if self.band is None:
            return None
        if self.binding_forced:
            return Level.KHTNV
        return min(self.band, self.conditions_level)

    def blocker(self) -> str | None:
        """Why the level just above `allowed` is not reached, e.g. "chưa đạt: ít nhất 30% nhiệm vụ vượt mức (hiện 2/10)"."""
        allowed = self.allowed
        if allowed is None or allowed is Level.HTXSNV:
            return None
        if self.binding_forced:
            return "chưa đạt: " + "; ".join(item.reason for item in self.binding_forced)
        above = next(level for level in sorted(Level) if level > allowed)
        if self.band is not None and self.band < above:
            return f"chưa đạt: tổng điểm từ {self.floors[above]} trở lên (hiện {number_text(self.total)})"
        return "chưa đạt: " + "; ".join(self.failed[above])


class Thresholds(NamedTuple):
    """A rule set's shares as (numerator, denominator) integer pairs and its band floors, worked out once: the
    checks compare counts by cross-multiplication for each of 10,000 members."""

    floors: tuple  # ((Level, floor), ...) from HTXSNV down
    exceeded: tuple
    htxsnv_on_time: tuple
    remedied: tuple
    httnv_on_time: tuple
    done: tuple
    late: tuple
    failed: tuple
    unit_done: tuple


_THRESHOLDS: dict[int, tuple[RuleSet, Thresholds]] = {}


def thresholds(rule_set: RuleSet) -> Thresholds:
    held = _THRESHOLDS.get(id(rule_set))
    if held is None or held[0] is not rule_set:
        def pair(name):
            share = rule_set.share(name)
            return share.numerator, share.denominator
        found = Thresholds(
            tuple((level, Decimal(floor)) for level, floor in _floors(rule_set)), pair("htxsnv_exceeded_share"),
            pair("htxsnv_on_time_share"), pair("htxsnv_remedied_share"), pair("httnv_on_time_share"),
            pair("htnv_done_share"), pair("htnv_late_share"), pair("khtnv_failed_share"),
            pair("khtnv_unit_done_share"),
        )
        held = _THRESHOLDS[id(rule_set)] = (rule_set, found)
    return held[1]


def conditions_hold(record, level: Level, found: Thresholds) -> bool:
    """Whether the task conditions of `level` (and of the levels below it) hold: the fast test, no text."""
    if level is Level.KHTNV:
        return True
    assigned = record.tasks_assigned
    if assigned:
        done = _done(record)
        late = record.tasks_late or 0
        numerator, denominator = found.done
        if done * denominator < numerator * assigned:
            return False
        numerator, denominator = found.late
        if late * denominator > numerator * assigned:
            return False
        if level is Level.HTNV:
            return True
        on_time = record.tasks_on_time or 0
        numerator, denominator = found.httnv_on_time
        if on_time * denominator < numerator * assigned:
            return False
        if level is Level.HTTNV:
            return True
        numerator, denominator = found.htxsnv_on_time
        if on_time * denominator < numerator * assigned:
            return False
        numerator, denominator = found.exceeded
        if (record.tasks_exceeded or 0) * denominator < numerator * assigned:
            return False
    if level is not Level.HTXSNV:
        return True
    pointed = record.shortcomings_pointed
    if pointed:
        numerator, denominator = found.remedied
        if (record.shortcomings_remedied or 0) * denominator < numerator * pointed:
            return False
    return not (record.subject_kind in (ORGANISATION, COLLECTIVE) and _body_disciplined(record))


def total_of(record) -> Decimal | None:
    if record.score_common is None or record.score_tasks is None:
        return None
    return record.score_common + record.score_tasks


def band_of(total: Decimal | None, rule_set: RuleSet) -> Level | None:
    if total is None:
        return None
    for level, floor in _floors(rule_set):
        if total >= floor:
            return level
    return Level.KHTNV


def _floors(rule_set: RuleSet):
    return ((Level.HTXSNV, rule_set.band_htxsnv), (Level.HTTNV, rule_set.band_httnv), (Level.HTNV, rule_set.band_htnv))


def assess(record, rule_set: RuleSet) -> Assessment:
    total = total_of(record)
    own = _own_conditions(record, rule_set)
    failed, below = {}, ()
    for level in reversed(LEVELS_DOWN):  # HTNV first: each level needs the conditions of those below it too
        failed[level] = tuple(dict.fromkeys(own[level] + below))
        below = failed[level]
    waived = bool((record.self_detected or record.force_majeure) and record.waiver_reason.strip())
    forced = tuple(forced_causes(record, rule_set))
    return Assessment(total, band_of(total, rule_set), failed, forced, waived, dict(_floors(rule_set)))


def _share_at_least(part: int, whole: int, share: Fraction) -> bool:
    return part * share.denominator >= share.numerator * whole


def _own_conditions(record, rule_set: RuleSet) -> dict:
    """The conditions each level adds (docs/rulebook-366.md §1), as texts naming the figure found; none without counts."""
    conditions = {level: () for level in LEVELS_DOWN}
    assigned = record.tasks_assigned
    if assigned:
        done = _done(record)
        on_time, late, exceeded = record.tasks_on_time or 0, record.tasks_late or 0, record.tasks_exceeded or 0
        htxsnv, httnv, htnv = [], [], []
        share = rule_set.share("htxsnv_exceeded_share")
        if not _share_at_least(exceeded, assigned, share):
            htxsnv.append(f"ít nhất {percent(share)} nhiệm vụ vượt mức (hiện {exceeded}/{assigned})")
        share = rule_set.share("htxsnv_on_time_share")
        if not _share_at_least(on_time, assigned, share):
            htxsnv.append(f"{percent(share)} nhiệm vụ hoàn thành đúng tiến độ (hiện {on_time}/{assigned})")
        share = rule_set.share("httnv_on_time_share")
        if not _share_at_least(on_time, assigned, share):
            httnv.append(
                f"{percent(share)} nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng (hiện {on_time}/{assigned})"
            )
        share = rule_set.share("htnv_done_share")
        if not _share_at_least(done, assigned, share):
            htnv.append(f"hoàn thành {percent(share)} nhiệm vụ (hiện {done}/{assigned})")
        share = rule_set.share("htnv_late_share")
        if late * share.denominator > share.numerator * assigned:
            htnv.append(f"không quá {percent(share)} nhiệm vụ chậm tiến độ (hiện {late}/{assigned})")
        conditions = {Level.HTXSNV: tuple(htxsnv), Level.HTTNV: tuple(httnv), Level.HTNV: tuple(htnv)}
    pointed, remedied = record.shortcomings_pointed or 0, record.shortcomings_remedied or 0
    share = rule_set.share("htxsnv_remedied_share")
    extra = []
    if pointed and not _share_at_least(remedied, pointed, share):
        extra.append(f"khắc phục {percent(share)} hạn chế, khuyết điểm đã được chỉ ra (hiện {remedied}/{pointed})")
    if record.subject_kind in (ORGANISATION, COLLECTIVE) and _body_disciplined(record):
        extra.append("không có tổ chức trực thuộc, thành viên tập thể lãnh đạo bị kỷ luật trong năm")
    if extra:
        conditions[Level.HTXSNV] = conditions[Level.HTXSNV] + tuple(extra)
    return conditions


def _body_disciplined(record) -> bool:
    return bool(record.subordinate_disciplined or getattr(record, "member_discipline", None) is not None)


def _done(record) -> int:
    if record.tasks_done is not None:
        return record.tasks_done
    return (record.tasks_on_time or 0) + (record.tasks_late or 0)


def _counts_discipline(record, rule_set: RuleSet, form) -> bool:
    """Khiển trách or above (the threshold), for a duty-related violation; a blank kind counts (the safe reading)."""
    return (
        form is not None
        and form.rank >= rule_set.discipline_threshold.rank
        and (record.violation_kind is None or record.violation_kind in DUTY_RELATED_VIOLATIONS)
    )


def forced_causes(record, rule_set: RuleSet) -> list[Forced]:
    """docs/rulebook-366.md §2 (S-KHTNV), with the codes docs/rulebook.md already has kept for their facts (§7 "one cause, one code")."""
    kind = record.subject_kind
    found: list[Forced] = []
    assigned, done = record.tasks_assigned, _done(record)
    disciplined = record.disciplined_in_year and not record.violation_counted_before
    if kind in (MEMBER, LEADER):
        if assigned:
            failed = assigned - done
            numerator, denominator = thresholds(rule_set).failed
            if failed * denominator > numerator * assigned:
                share = rule_set.share("khtnv_failed_share")
                found.append(Forced("S-KHTNV", f"không hoàn thành trên {percent(share)} nhiệm vụ (hiện {failed}/{assigned})"))
        if disciplined and _counts_discipline(record, rule_set, record.discipline or rule_set.discipline_threshold):
            form = record.discipline.text.lower() if record.discipline else "kỷ luật"
            found.append(Forced("S-KHTNV", f"bị kỷ luật {form} trong năm do vi phạm liên quan đến nhiệm vụ"))
        if record.degenerate:
            found.append(Forced("S-KHTNV", "có kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống", False))
    if kind is LEADER:
        found += _unit_tasks(record, rule_set, "L-TARGETS", "cơ quan, đơn vị, lĩnh vực phụ trách")
        if record.led_units_khtnv_majority:
            share = percent(rule_set.share("khtnv_led_units_share"))
            found.append(Forced("S-KHTNV", f"trên {share} đơn vị thuộc quyền lãnh đạo xếp loại không hoàn thành nhiệm vụ"))
        if record.low_confidence_majority:
            share = percent(rule_set.share("khtnv_low_confidence_share"))
            found.append(Forced("S-KHTNV", f"có trên {share} phiếu tín nhiệm thấp", False))
        if record.corruption_under_leadership and not record.corruption_self_remedied:
            found.append(Forced("L-CORRUPTION", "để xảy ra tham nhũng, lãng phí, tiêu cực bị xử lý kỷ luật trong phạm vi phụ trách"))
    if kind is COLLECTIVE:
        if record.disciplined_in_year and not record.violation_counted_before:
            found.append(Forced("C-DISCIPLINE", "tập thể bị thi hành kỷ luật trong năm"))
        if _counts_discipline(record, rule_set, record.member_discipline) and not record.violation_counted_before:
            found.append(Forced(
                "C-DISCIPLINE", f"có thành viên bị kỷ luật “{record.member_discipline.text}” do vi phạm liên quan đến nhiệm vụ",
            ))
        if record.collective_wrongdoing:
            found.append(Forced("S-KHTNV", "có kết luận sai phạm trong công tác cán bộ, mất đoàn kết hoặc bè phái", False))
        if record.degenerate:
            found.append(Forced("S-KHTNV", "có thành viên bị kết luận suy thoái", False))
        found += _unit_tasks(record, rule_set, "C-TARGETS", "cơ quan, đơn vị")
    if kind is ORGANISATION:
        if disciplined and not record.self_remedied:
            found.append(Forced("O-HTNV", "bị thi hành kỷ luật trong năm"))
        found += _unit_tasks(record, rule_set, "O-KHTNV", "tổ chức đảng")
    return found


def _unit_tasks(record, rule_set: RuleSet, rule: str, whose: str) -> list[Forced]:
    found = []
    assigned = record.tasks_assigned
    numerator, denominator = thresholds(rule_set).unit_done
    if assigned and _done(record) * denominator < numerator * assigned:
        share = rule_set.share("khtnv_unit_done_share")
        found.append(Forced(rule, f"{whose} hoàn thành dưới {percent(share)} nhiệm vụ (hiện {_done(record)}/{assigned})"))
    if record.five_targets_missed:
        found.append(Forced(rule, "không hoàn thành 5 chỉ tiêu cơ bản về kinh tế - xã hội"))
    return found


def number_text(value) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


# ---- checks ----------------------------------------------------------------------------------------------------

def sum_check(kind: SubjectKind) -> Check:
    """S-SUM: scores within their maxima, the typed total equal to their sum, the task counts consistent."""

    def run(ctx):
        rule_set = ctx.rule_set
        tolerance = Decimal(rule_set.score_tolerance)
        for record in ctx.records(kind):
            yield from _sum_findings(ctx, record, rule_set, tolerance)

    return Check("S-SUM", kind, run)


def _sum_findings(ctx, record, rule_set, tolerance):
    unreadable = record.unreadable
    for field, most in (("score_common", rule_set.score_common_max), ("score_tasks", rule_set.score_tasks_max)):
        value = getattr(record, field)
        if value is not None and value > most:
            yield ctx.finding("S-SUM", record, field, f"điểm {number_text(value)} vượt mức tối đa {most} điểm.")
        elif value is None and record.level is not None and field not in unreadable:
            yield ctx.finding("S-SUM", record, field, f"đã xếp loại nhưng chưa ghi điểm (tối đa {most}).")
    total = total_of(record)
    if total is not None and record.score_total is not None and abs(record.score_total - total) > tolerance:
        yield ctx.finding(
            "S-SUM", record, "score_total",
            f"tổng điểm ghi {number_text(record.score_total)} khác tổng hai phần {number_text(total)}.",
        )
    assigned = record.tasks_assigned
    if assigned is None:
        if record.level is not None and "tasks_assigned" not in unreadable:
            yield ctx.finding("S-SUM", record, "tasks_assigned", "đã xếp loại nhưng chưa ghi số nhiệm vụ được giao.")
        return
    done, on_time, late, exceeded = record.tasks_done, record.tasks_on_time, record.tasks_late, record.tasks_exceeded
    for field in ("tasks_done", "tasks_on_time", "tasks_late", "tasks_exceeded"):
        value = getattr(record, field)
        if value is not None and value > assigned:
            yield ctx.finding("S-SUM", record, field, f"{value} lớn hơn số nhiệm vụ được giao ({assigned}).")
    if done is not None and on_time is not None and late is not None and on_time + late != done:
        yield ctx.finding(
            "S-SUM", record, "tasks_done",
            f"số hoàn thành ({done}) phải bằng số đúng tiến độ ({on_time}) cộng số chậm tiến độ ({late}).",
        )
    elif done is not None:  # on time or late blank: the one typed is part of those done
        for field, value in (("tasks_on_time", on_time), ("tasks_late", late)):
            if value is not None and done < value <= assigned:
                yield ctx.finding("S-SUM", record, field, f"{value} lớn hơn số hoàn thành ({done}).")
    elif on_time is not None and late is not None and on_time <= assigned and late <= assigned < on_time + late:
        yield ctx.finding(
            "S-SUM", record, "tasks_late",
            f"số đúng tiến độ ({on_time}) cộng số chậm tiến độ ({late}) lớn hơn số nhiệm vụ được giao ({assigned}).",
        )
    if exceeded is not None and exceeded > _done(record) and exceeded <= assigned:
        yield ctx.finding("S-SUM", record, "tasks_exceeded", f"số vượt mức ({exceeded}) lớn hơn số hoàn thành ({_done(record)}).")
    pointed, remedied = record.shortcomings_pointed, record.shortcomings_remedied
    if pointed is not None and remedied is not None and remedied > pointed:
        yield ctx.finding(
            "S-SUM", record, "shortcomings_remedied",
            f"số đã khắc phục ({remedied}) lớn hơn số hạn chế, khuyết điểm được chỉ ra ({pointed}).",
        )


def band_check(kind: SubjectKind) -> Check:
    """S-BAND: the level typed is not above the total's band; S-COND: the conditions of the typed level hold."""

    def run(ctx):
        rule_set = ctx.rule_set
        limits = thresholds(rule_set)
        floors = limits.floors
        for record in ctx.records(kind):
            level = record.level
            if level is None or level is Level.KHTNV:
                continue
            common, tasks = record.score_common, record.score_tasks
            if common is not None and tasks is not None:
                total = common + tasks
                band = next((item for item, floor in floors if total >= floor), Level.KHTNV)
                if level.rank > band.rank:
                    yield ctx.finding(
                        "S-BAND", record, "level",
                        f"tổng điểm {number_text(total)} thuộc khung {quoted_level(band)}"
                        f"{_band_range(band, rule_set)}, không được xếp {quoted_level(level)}.",
                    )
            if not conditions_hold(record, level, limits):
                found = assess(record, rule_set)
                allowed = found.conditions_level
                yield ctx.finding(
                    "S-COND", record, "level",
                    f"xếp loại {quoted_level(level)} nhưng chưa đạt: {'; '.join(found.failed[level])}; "
                    f"các điều kiện về nhiệm vụ chỉ cho phép tối đa {quoted_level(allowed)}.",
                )

    return Check("S-BAND", kind, run, also=("S-COND",))


def _band_range(level: Level, rule_set: RuleSet) -> str:
    floors = dict(_floors(rule_set))
    if level is Level.HTXSNV:
        return f" (từ {rule_set.band_htxsnv} điểm)"
    if level is Level.KHTNV:
        return f" (dưới {rule_set.band_htnv} điểm)"
    above = {Level.HTTNV: rule_set.band_htxsnv, Level.HTNV: rule_set.band_httnv}[level]
    return f" (từ {floors[level]} đến dưới {above} điểm)"


_WAIVABLE_RULES = ("S-KHTNV", "C-DISCIPLINE", "C-TARGETS", "L-TARGETS", "L-CORRUPTION", "O-KHTNV", "O-HTNV")


def forced_check(kind: SubjectKind) -> Check:
    """S-KHTNV and the forced-KHTNV codes kept from docs/rulebook.md; a waiver turns them into S-DISCRETION."""

    def run(ctx):
        rule_set = ctx.rule_set
        for record in ctx.records(kind):
            level = record.level
            if level is None:
                continue
            flagged = record.self_detected or record.force_majeure
            reason = record.waiver_reason.strip()
            for cause in forced_causes(record, rule_set):
                if flagged and cause.waivable:
                    if reason:
                        yield ctx.finding(
                            "S-DISCRETION", record, "waiver_reason",
                            f"{cause.reason}, nhưng đơn vị ghi {_waiver_text(record)} với giải trình “{reason}”: "
                            "cấp có thẩm quyền xem xét, quyết định.",
                        )
                    else:
                        finding = ctx.finding(
                            "S-DISCRETION", record, "waiver_reason",
                            f"{cause.reason}; đơn vị ghi {_waiver_text(record)} nhưng chưa có giải trình bằng văn bản.",
                        )
                        yield replace(finding, severity=Severity.ERROR)
                elif level is not Level.KHTNV:
                    yield ctx.finding(
                        cause.rule, record, "level",
                        f"{cause.reason}, nên phải xếp loại {quoted_level(Level.KHTNV)}, không được xếp {quoted_level(level)}.",
                    )

    return Check("S-KHTNV", kind, run, also=(*_WAIVABLE_RULES, "S-DISCRETION"))


def _waiver_text(record) -> str:
    flags = []
    if record.self_detected:
        flags.append("“tự phát hiện, tự báo cáo và đã khắc phục”")
    if record.force_majeure:
        flags.append("“do nguyên nhân bất khả kháng”")
    return " và ".join(flags)


# "Không xếp loại" under 366: not reviewed (exempt, suspended, new), or listed here for temporary activity only
NOT_RATED_REASONS = (NotRatedReason.EXEMPT, NotRatedReason.SUSPENDED, NotRatedReason.NEW, NotRatedReason.TEMPORARY)


def not_rated_check(kind: SubjectKind) -> Check:
    """M-LEVEL (and its kin) under 366: whoever is reviewed is rated; "Không xếp loại" only for the exempt, the
    suspended, the new and those in temporary activity here (docs/rulebook-366.md §3, §7)."""
    rule = f"{kind.prefix}-LEVEL"
    allowed = NOT_RATED_REASONS

    def run(ctx):
        for record in ctx.records(kind):
            reason = record.not_rated_reason
            if record.not_rated and reason is not None and reason not in allowed:
                yield ctx.finding(
                    rule, record, "not_rated_reason",
                    f"theo Quy định 366-QĐ/TW, ai được kiểm điểm thì được xếp loại; “{NOT_RATED_TEXT}” chỉ dùng cho "
                    f"đảng viên miễn công tác và sinh hoạt đảng, bị đình chỉ sinh hoạt đảng hoặc mới kết nạp chưa đủ "
                    f"{ctx.rule_set.new_subject_months} tháng, không dùng lý do “{reason.text}”.",
                )

    return Check(rule, kind, run)


def quarter_check(kind: SubjectKind) -> Check:
    """P-QUARTER (warning): the year's level far above a recorded quarter's (annual HTXSNV with a KHTNV quarter)."""

    def run(ctx):
        gap = ctx.rule_set.quarter_gap
        for record in ctx.records(kind):
            if record.level is None or not record.quarterly_levels:
                continue
            worst = min(record.quarterly_levels)
            if record.level.rank - worst.rank > gap:
                quarters = ", ".join(level.code for level in record.quarterly_levels)
                yield ctx.finding(
                    "P-QUARTER", record, "level",
                    f"xếp loại năm {quoted_level(record.level)} nhưng có quý chỉ được xếp {quoted_level(worst)} "
                    f"(các quý: {quarters}); đề nghị xem lại.",
                )

    return Check("P-QUARTER", kind, run)


SCORE_CHECKS = tuple(
    check for kind in SubjectKind
    for check in (sum_check(kind), band_check(kind), forced_check(kind), not_rated_check(kind), quarter_check(kind))
)


def suggest_scored(record, rule_set: RuleSet) -> tuple[Level | None, str | None]:
    """The level score and conditions allow, and why the next one up is not reached."""
    found = assess(record, rule_set)
    return found.allowed, found.blocker()
