"""The reviewers' dashboard: every reporting unit's status against its deadline, in three queries (one more for
the outstanding-group marks under a rule set that has them), built again only when something changed (the change
marker), so the 30-second polling of twenty reviewers costs one indexed query each."""
import hashlib
import threading
from collections import OrderedDict
from dataclasses import astuple, dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased

from kdweb.deadlines import DeadlineState, deadline_state, local_date
from kdweb.domain import UnitLevel
from kdweb.extensions import db
from kdweb.models import AuditEvent, Rating, Submission, Unit, UnitCycle, Upload
from kdweb.models.base import utcnow
from kdweb.rules import Level, SubjectKind
from kdweb.rules.dates import deadline_for_level
from kdweb.search import matches
from kdweb.services import quota_basis
from kdweb.status import WorkbookStatus

DISTRICT_GROUP = UnitLevel.DISTRICT.text  # the key of the superior's own level; shown as its level name
SORTS = {
    "unit": lambda row: (row.level_order, row.group, row.sort_order),
    "status": lambda row: (list(WorkbookStatus).index(row.status), row.sort_order),
    "deadline": lambda row: (row.deadline.done_late is not None, row.deadline.days_left, row.sort_order),
    "errors": lambda row: (-row.error_count, -row.warning_count, row.sort_order),
    "activity": lambda row: (row.last_activity_at is None, -(row.last_activity_at.timestamp()
                                                             if row.last_activity_at else 0), row.sort_order),
}


@dataclass
class Filters:
    status: str = ""
    group: str = ""
    level: str = ""
    late: bool = False
    q: str = ""
    sort: str = "unit"
    order: str = "asc"

    @classmethod
    def from_args(cls, args) -> "Filters":
        sort = args.get("sort", "unit")
        return cls(status=args.get("status", ""), group=args.get("group", ""), level=args.get("level", ""),
                   late=args.get("late") in ("1", "on", "true"), q=args.get("q", "").strip(),
                   sort=sort if sort in SORTS else "unit", order="desc" if args.get("order") == "desc" else "asc")

    def keep(self, row) -> bool:
        return ((not self.status or row.status.code == self.status)
                and (not self.group or row.group == self.group)
                and (not self.level or row.level == self.level)
                and (not self.late or row.deadline.overdue)
                and (not self.q or matches(self.q, row.name, row.code)))

    def args(self, **changes) -> dict:
        """The view as URL parameters, each once, defaults left out: for links that change one thing."""
        values = {"q": self.q, "status": self.status, "group": self.group, "level": self.level,
                  "late": "1" if self.late else "", "sort": self.sort, "order": self.order}
        values.update(changes)
        defaults = {"sort": "unit", "order": "asc"}
        return {key: value for key, value in values.items() if value and defaults.get(key) != value}

    def sort_link_args(self, key: str) -> dict:
        """Clicking the sorted column turns its order around; another column starts ascending."""
        order = ("desc" if self.order == "asc" else "asc") if key == self.sort else "asc"
        return self.args(sort=key, order=order)

    def aria_sort(self, key: str) -> str:
        if key != self.sort:
            return "none"
        return "descending" if self.order == "desc" else "ascending"


@dataclass
class DashboardRow:
    code: str
    name: str
    level: str
    group: str
    sort_order: int
    status: WorkbookStatus
    deadline: DeadlineState
    last_activity_at: datetime | None
    error_count: int = 0
    warning_count: int = 0
    latest_version: int | None = None
    basis_upload_id: int | None = None
    levels: dict = field(default_factory=dict)
    roster_changed_after_submission: bool = False
    quota_marks_changed_after_submission: bool = False
    no_longer_expected: str = ""  # why a unit that uploaded is no longer expected (valid-to, successor)

    @property
    def level_order(self) -> int:
        return 0 if self.level == "district" else 1


RECENT = timedelta(minutes=10)  # longer than any transaction that writes an audit event
PAGE_SIZE = 200  # a city has ~2,000 units: one page of all of them would be 800 KB


@dataclass
class Dashboard:
    rows: list[DashboardRow]  # every row the filters keep, in order (counts and totals are theirs)
    all_rows: list[DashboardRow]
    groups: list[str]
    page: int = 1
    # units that uploaded and then stopped being expected (merged, dissolved): listed apart, never counted
    no_longer_expected: list[DashboardRow] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.rows) // PAGE_SIZE))

    @property
    def shown(self) -> list[DashboardRow]:
        return self.rows[(self.page - 1) * PAGE_SIZE:self.page * PAGE_SIZE]

    def on_page(self, page: int) -> "Dashboard":
        """The same board showing one page of its rows (the cached board itself is shared, never changed)."""
        return replace(self, page=min(max(page, 1), self.page_count))

    @property
    def expected(self) -> int:
        return len(self.all_rows)

    @property
    def approved(self) -> int:
        return sum(1 for row in self.all_rows if row.status is WorkbookStatus.APPROVED)

    @property
    def by_status(self) -> dict:
        return {status: sum(1 for row in self.all_rows if row.status is status) for status in WorkbookStatus}

    @property
    def late(self) -> int:
        return sum(1 for row in self.all_rows if row.deadline.overdue)

    @property
    def submitted_rows(self) -> list[DashboardRow]:
        """Units whose results were submitted (waiting or approved): what the member chart counts."""
        return [row for row in self.all_rows if row.status in (WorkbookStatus.SUBMITTED, WorkbookStatus.APPROVED)]

    def totals(self, rows=None) -> dict:
        rows = self.rows if rows is None else rows
        return {"errors": sum(r.error_count for r in rows), "warnings": sum(r.warning_count for r in rows),
                "levels": {level.code: sum(r.levels.get(level.code, 0) for r in rows) for level in Level}}

    def sections(self):
        """Rows grouped by level (quận / cơ sở) then by group of similar function, in the chosen order."""
        grouped: dict[tuple[str, str], list[DashboardRow]] = {}
        for row in self.shown:
            grouped.setdefault((row.level, row.group), []).append(row)
        return [(level, group, rows) for (level, group), rows in
                sorted(grouped.items(), key=lambda item: (item[0][0] != "district", item[0][1]))]


def change_marker(cycle, now: datetime | None = None) -> str:
    """Changes whenever the dashboard may: every state change writes an audit event in its own transaction (the
    house rule), and the deadline texts change with the local date. Index lookups only, no table scan.

    The count of recent events catches a transaction that took its id before another but committed after it
    (the highest id and time would not move when it lands)."""
    now = now or utcnow()
    last_id, last_at, recent = db.session.execute(db.select(
        func.max(AuditEvent.id), func.max(AuditEvent.at),
        db.select(func.count()).where(AuditEvent.at > now - RECENT).scalar_subquery())).one()
    return f"{cycle.id}.{last_id or 0}.{last_at.isoformat() if last_at else ''}.{recent}.{local_date(now)}"


def etag(marker: str, *parts) -> str:
    return hashlib.blake2b("|".join((marker, *map(str, parts))).encode(), digest_size=12).hexdigest()


class BoardCache:
    """The last few dashboards built in this process, by change marker and filters; an old marker is never asked
    for again, so the oldest entries simply fall out."""

    def __init__(self, size: int = 32):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get_or_build(self, key, build_board):
        with self.lock:
            board = self.entries.get(key)
            if board is not None:
                self.entries.move_to_end(key)
                return board
        board = build_board()
        with self.lock:
            self.entries[key] = board
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return board


BOARDS = BoardCache()


def cached(cycle, filters: Filters, marker: str, page: int = 1) -> "Dashboard":
    return BOARDS.get_or_build((marker, astuple(filters)), lambda: build(cycle, filters)).on_page(page)


def build(cycle, filters: Filters, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    latest, valid, submission, successor = aliased(Upload), aliased(Upload), aliased(Submission), aliased(Unit)
    submitted = aliased(Upload)
    records = db.session.execute(
        db.select(UnitCycle.status, UnitCycle.last_activity_at, UnitCycle.valid_upload_id,
                  Unit.code, Unit.name, Unit.level, Unit.group, Unit.sort_order,
                  latest.error_count, latest.warning_count, latest.version,
                  valid.error_count.label("valid_errors"), valid.warning_count.label("valid_warnings"),
                  submission.submitted_at, submission.late, submission.upload_id, UnitCycle.roster_changed_at,
                  Unit.valid_from, Unit.valid_to, successor.name.label("successor_name"),
                  Unit.id.label("unit_id"), submitted.summary_json.label("submitted_summary"), Unit.active,
                  Unit.reports)
        .join(Unit, UnitCycle.unit_id == Unit.id)
        .outerjoin(successor, Unit.successor_id == successor.id)
        .outerjoin(latest, UnitCycle.latest_upload_id == latest.id)
        .outerjoin(valid, UnitCycle.valid_upload_id == valid.id)
        .outerjoin(submission, UnitCycle.submission_id == submission.id)
        .outerjoin(submitted, submission.upload_id == submitted.id)
        # a unit deactivated or taken off the reporting list keeps its row once it uploaded: listed apart
        .where(UnitCycle.cycle_id == cycle.id, or_(and_(Unit.active.is_(True), Unit.reports.is_(True)),
                                                   UnitCycle.latest_upload_id.is_not(None),
                                                   UnitCycle.submission_id.is_not(None)))
    ).all()
    marked = quota_basis.marked_everywhere(cycle)
    every = [dashboard_row(cycle, record, now, marked) for record in records]
    attach_level_counts(every)
    rows = [row for row in every if not row.no_longer_expected]
    groups = sorted({row.group for row in rows})
    chosen = sorted((row for row in rows if filters.keep(row)), key=SORTS[filters.sort],
                    reverse=filters.order == "desc")
    return Dashboard(rows=chosen, all_rows=rows, groups=groups,
                     no_longer_expected=[row for row in every if row.no_longer_expected])


def no_longer_expected(cycle, record) -> str:
    """Why the cycle no longer expects this unit's report (empty when it does)."""
    day = cycle.review_date
    if not record.active or not record.reports:
        why = "Đơn vị đã ngừng hoạt động" if not record.active else "Đơn vị không còn thuộc diện báo cáo"
        return why + ": không còn phải nộp; tệp đã tải lên vẫn được lưu."
    if record.valid_to is not None and record.valid_to < day:
        why = f"Hiệu lực đến hết ngày {record.valid_to.strftime('%d/%m/%Y')}"
    elif record.valid_from is not None and record.valid_from > day:
        why = f"Chỉ có hiệu lực từ ngày {record.valid_from.strftime('%d/%m/%Y')}"
    else:
        return ""
    if record.successor_name:
        why += f", đơn vị kế thừa: {record.successor_name}"
    return why + f" (trước thời điểm đánh giá {day.strftime('%d/%m/%Y')}): không còn phải nộp; tệp đã tải lên vẫn được lưu."


def dashboard_row(cycle, record, now, marked: dict) -> DashboardRow:
    status = WorkbookStatus(record.status)
    done = status in (WorkbookStatus.SUBMITTED, WorkbookStatus.APPROVED)
    deadline = deadline_for_level(record.level, cycle.grassroots_deadline, cycle.district_deadline)
    counted_valid = status is WorkbookStatus.VALID and record.valid_errors is not None
    errors, warnings = ((record.valid_errors, record.valid_warnings) if counted_valid
                        else (record.error_count, record.warning_count))
    return DashboardRow(
        code=record.code, name=record.name, level=record.level, group=record.group or DISTRICT_GROUP,
        sort_order=record.sort_order, status=status,
        deadline=deadline_state(deadline, now, *((record.submitted_at, record.late) if done else ())),
        last_activity_at=record.last_activity_at, error_count=errors or 0,
        warning_count=warnings or 0, latest_version=record.version,
        basis_upload_id=record.upload_id if done else record.valid_upload_id,
        roster_changed_after_submission=bool(done and record.roster_changed_at and record.submitted_at
                                             and record.roster_changed_at > record.submitted_at),
        quota_marks_changed_after_submission=done and marks_changed(cycle, record, marked),
        no_longer_expected=no_longer_expected(cycle, record),
    )


def marks_changed(cycle, record, marked: dict) -> bool:
    """The submitted upload was checked with other outstanding-group marks than the cycle's now. Only a basis its
    summary recorded is compared: reading an older upload's basis from its records would cost a query per unit."""
    then = quota_basis.recorded_basis(cycle, record.submitted_summary)
    return then is not None and then != quota_basis.unit_basis(cycle, marked.get(record.unit_id, frozenset()))


def attach_level_counts(rows) -> None:
    """Members per level from each unit's submitted (or else latest valid) upload: one GROUP BY for all units."""
    by_upload = {row.basis_upload_id: row for row in rows if row.basis_upload_id}
    if not by_upload:
        return
    counts = db.session.execute(
        db.select(Rating.upload_id, Rating.level, func.count())
        .where(Rating.upload_id.in_(by_upload), Rating.subject_kind == SubjectKind.MEMBER.code,
               Rating.level.is_not(None))
        .group_by(Rating.upload_id, Rating.level)
    ).all()
    for upload_id, level, count in counts:
        by_upload[upload_id].levels[level] = count
