"""What a reviewer decides on, beside the decision: the quota per group of the submitted version, and what
changed since the unit's previous submitted or approved version (read-only)."""
from dataclasses import dataclass, field

from sqlalchemy import func

from kdweb.extensions import db
from kdweb.models import Finding, Rating, Submission, UnitCycle, Upload
from kdweb.rules import NOT_RATED_TEXT, Level, NotRatedReason, SubjectKind, get_rule_set
from kdweb.rules.checks_quota import quota_limit
from kdweb.rules.checks_quota_groups import group_limit
from kdweb.services import quota_basis
from kdweb.services.workflow import return_of_same_bytes, sent_back_with_bytes_of, sent_back_words
from kdweb.status import WorkbookStatus

KIND_ORDER = list(SubjectKind)
GROUPLESS = {SubjectKind.MEMBER: "Cả đơn vị"}


@dataclass
class QuotaRow:
    kind: str
    group: str
    excellent: int
    good: int
    limit: int

    @property
    def over(self) -> bool:
        return self.excellent > self.limit


def quota_by_group(upload, cycle) -> list[QuotaRow]:
    """HTXSNV against its limit in every group the rule book counts separately (one GROUP BY). Under a rule set
    with outstanding groups (Q-25) a kind the cycle marks for the unit now has the outstanding share, as the
    unit's check, the district checks and the report count it."""
    rule_set = get_rule_set(cycle.rule_set_id)
    marked = quota_basis.marked_now(cycle, upload.unit)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for kind, group, level, count in db.session.execute(
            db.select(Rating.subject_kind, Rating.group, Rating.level, func.count())
            .where(Rating.upload_id == upload.id, Rating.level.in_([Level.HTXSNV.code, Level.HTTNV.code]))
            .group_by(Rating.subject_kind, Rating.group, Rating.level)):
        kind = SubjectKind(kind)
        key = (kind, group or GROUPLESS.get(kind, "(chưa ghi nhóm)"))
        counts.setdefault(key, {})[level] = count
    rows = []
    for (kind, group), levels in sorted(counts.items(), key=lambda item: (KIND_ORDER.index(item[0][0]), item[0][1])):
        excellent, good = levels.get(Level.HTXSNV.code, 0), levels.get(Level.HTTNV.code, 0)
        limit = (quota_limit(excellent, good, rule_set).limit if marked is None
                 else group_limit(good, kind.code in marked, rule_set))
        rows.append(QuotaRow(kind.text, group, excellent, good, limit))
    return rows


@dataclass
class Change:
    kind: str
    code: str
    name: str
    before: str | None = None
    after: str | None = None


@dataclass
class Diff:
    against: Upload | None
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def previous_decided_upload(cycle, unit, upload) -> Upload | None:
    """The upload of the unit's last earlier submission (returned or approved) of another version."""
    return db.session.execute(
        db.select(Upload).join(Submission, Submission.upload_id == Upload.id)
        .where(Submission.cycle_id == cycle.id, Submission.unit_id == unit.id, Upload.id != upload.id,
               Upload.version < upload.version)
        .order_by(Upload.version.desc()).limit(1)
    ).scalar_one_or_none()


def level_text(level: str | None, reason: str | None) -> str:
    return level or (NOT_RATED_TEXT + (f" ({NotRatedReason(reason).text})" if reason else ""))


def ratings_by_subject(upload) -> dict:
    return {(r.subject_kind, r.subject_code): r
            for r in db.session.execute(db.select(Rating).filter_by(upload_id=upload.id)).scalars()}


def diff(cycle, unit, upload) -> Diff:
    earlier = previous_decided_upload(cycle, unit, upload)
    result = Diff(earlier)
    if earlier is None:
        return result
    before, after = ratings_by_subject(earlier), ratings_by_subject(upload)
    for key in sorted(after.keys() - before.keys()):
        rating = after[key]
        result.added.append(Change(SubjectKind(key[0]).text, key[1], rating.subject_name,
                                   after=level_text(rating.level, rating.not_rated_reason)))
    for key in sorted(before.keys() - after.keys()):
        rating = before[key]
        result.removed.append(Change(SubjectKind(key[0]).text, key[1], rating.subject_name,
                                     before=level_text(rating.level, rating.not_rated_reason)))
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key], after[key]
        if (old.level, old.not_rated_reason) != (new.level, new.not_rated_reason):
            result.changed.append(Change(SubjectKind(key[0]).text, key[1], new.subject_name,
                                         level_text(old.level, old.not_rated_reason),
                                         level_text(new.level, new.not_rated_reason)))
    return result


@dataclass
class Approvable:
    code: str
    name: str
    version: int
    submission_id: int


def clean_submissions(cycle) -> list[Approvable]:
    """Units waiting for approval whose submitted version has no error and no warning: the bulk approve list."""
    from kdweb.models import Unit

    rows = db.session.execute(
        db.select(Unit.code, Unit.name, Upload.version, Submission.id)
        .join(UnitCycle, UnitCycle.unit_id == Unit.id)
        .join(Submission, UnitCycle.submission_id == Submission.id)
        .join(Upload, Submission.upload_id == Upload.id)
        .where(UnitCycle.cycle_id == cycle.id, UnitCycle.status == WorkbookStatus.SUBMITTED.code,
               Unit.valid_on_clause(cycle.review_date), Upload.error_count == 0, Upload.warning_count == 0,
               ~db.select(Finding.id).where(Finding.upload_id == Upload.id).exists(),
               ~sent_back_with_bytes_of(Upload).exists())  # the very file sent back: a look of its own
        .order_by(Unit.level, Unit.sort_order, Unit.name)
    ).all()
    return [Approvable(*row) for row in rows]


def resubmitted_unchanged(state) -> str | None:
    """For the reviewer: the submission waiting is the very file Ban Tổ chức sent back, with the unit's
    acknowledgement (workflow.submit)."""
    if state is None or state.status != WorkbookStatus.SUBMITTED.code or state.submission is None:
        return None
    upload = state.submission.upload
    sent_back = return_of_same_bytes(upload)
    if sent_back is None:
        return None
    verb, when = sent_back_words(sent_back)
    return (f"Đơn vị nộp lại nguyên tệp đã bị trả lại, không sửa gì (đã xác nhận khi nộp): phiên bản "
            f"{upload.version} giống hệt tệp {sent_back.reviewer.full_name} đã {verb} lúc {when} với nhận xét: "
            f"“{sent_back.comment}”.")
