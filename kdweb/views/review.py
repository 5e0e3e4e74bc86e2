"""Ban Tổ chức's side: the dashboard of every unit, a unit's review, district-wide checks, audit log, bulk zips."""
from dataclasses import astuple
from functools import wraps

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from kdweb.access import role_required, unit_for_user_or_404
from kdweb.reports.charts import count_chart
from kdweb.models.base import utcnow
from kdweb.rules import Level
from kdweb.services import (
    audit_log, bulk, checks_store, dashboard, notifications, review_page, unit_page, workflow,
)
from kdweb.services.cycles import open_cycle, unit_cycle
from kdweb.status import WorkbookStatus
from kdweb.views import local_time
from kdweb.views.jobs import job_page
from kdweb.views.lookups import finished_job_or_404, job_or_404
from kdweb.views.params import form_id
from kdweb.views.rendering import answer, redirect_with, render_page, send_download, wants_fragment

bp = Blueprint("review", __name__, url_prefix="/review")
REVIEWERS = ("reviewer", "admin")


def needs_open_cycle(page):
    """A landing page of the open cycle, given as `cycle`; with no cycle open, the page that says so instead."""
    @wraps(page)
    def with_open_cycle(*args, **kwargs):
        cycle = open_cycle()
        if cycle is None:
            return no_cycle_page()
        return page(cycle, *args, **kwargs)
    return with_open_cycle


@bp.get("/")
@role_required(*REVIEWERS)
@needs_open_cycle
def index(cycle):
    filters = dashboard.Filters.from_args(request.args)
    marker = dashboard.change_marker(cycle)
    polling = request.headers.get("HX-Target") == "dashboard-body" and wants_fragment()
    if polling:  # the 30-second poll: nothing changed → 304, the browser keeps what it has
        tag = dashboard.etag(marker, current_user.id, request.query_string.decode())
        if tag in request.if_none_match:
            return not_modified(tag)
    page = request.args.get("page", 1, type=int)
    pieces = RENDERED.get_or_build((marker, astuple(filters), page, polling),
                                   lambda: rendered_pieces(cycle, filters, marker, page, polling))
    body = Markup(pieces["body"].replace(UPDATED_AT, local_time(utcnow(), "%H:%M:%S")))
    if polling:
        response = make_response(body)
        response.vary.add("HX-Request")
        response.set_etag(tag)
        response.cache_control.private, response.cache_control.no_cache = True, True
        return response
    return render_page("review/dashboard.html", cycle=cycle, board=pieces["board"], filters=filters,
                       charts=pieces["charts"], body=body, district_group=dashboard.DISTRICT_GROUP)


RENDERED = dashboard.BoardCache(64)  # the board's HTML and charts, by change marker, filters, page and kind of answer
UPDATED_AT = "\x00updated-at\x00"  # the one per-request part of the body: the time it is shown


def rendered_pieces(cycle, filters, marker: str, page: int, polling: bool) -> dict:
    """What every reviewer asking for this view of this state gets: rendered once per change, not per request."""
    board = dashboard.cached(cycle, filters, marker, page)
    body = render_template("review/_dashboard_body.html", cycle=cycle, board=board, filters=filters,
                           sort_fields_oob=polling, updated_at=UPDATED_AT, district_group=dashboard.DISTRICT_GROUP)
    return {"board": board, "charts": None if polling else charts(board), "body": body}


def not_modified(tag: str):
    response = make_response("", 304)
    response.set_etag(tag)
    response.cache_control.private, response.cache_control.no_cache = True, True
    response.vary.add("HX-Request")
    return response


def no_cycle_page():
    """With no cycle open, every landing page says so and points at what can still be read."""
    return render_page("review/no_cycle.html", closed_cycles=unit_page.closed_cycles())


def open_cycle_or_refuse():
    """For a state change: with no cycle open, a 409 that says why (and the page it came from explains it)."""
    cycle = open_cycle()
    if cycle is None:
        abort(409, description="Không có đợt kiểm điểm nào đang mở.")
    return cycle


def charts(board) -> dict:
    statuses = [(status.text, count, status.tone) for status, count in board.by_status.items()]
    submitted = board.submitted_rows
    levels = board.totals(submitted)["levels"]
    members = [(level.short, levels[level.code], level.tone) for level in Level]
    return {"status": count_chart(statuses, f"Tất cả {board.expected} đơn vị báo cáo, theo trạng thái"),
            "levels": count_chart(members, f"Đảng viên theo mức xếp loại, trong {len(submitted)} đơn vị đã nộp "
                                           "hoặc đã duyệt"),
            "submitted_units": len(submitted)}


@bp.get("/units/<code>")
@role_required(*REVIEWERS)
def unit(code):
    unit = unit_for_user_or_404(code)
    cycle = open_cycle()
    if cycle is None:
        return redirect(url_for("units.show", code=unit.code))
    return render_page("review/unit.html", **review_context(unit, cycle))


def review_context(unit, cycle, **extra) -> dict:
    """The unit page as a reviewer sees it: the submitted version (else the latest) with its data, the quota per
    group, the changes since the previous submission, the conversation, and the decision beside them."""
    state = unit_cycle(cycle, unit)
    submission = state.submission if state else None
    version = submission.upload.version if submission else None
    context = unit_page.context(unit, cycle, current_user, version=version,
                                severity=request.args.get("severity") or None, sheet=request.args.get("sheet") or None)
    shown = context["shown"]
    context.update(submission=submission, findings_page=url_for("review.unit", code=unit.code),
                   not_expected=workflow.no_longer_expected(cycle, unit),
                   resubmitted_unchanged=review_page.resubmitted_unchanged(state),
                   quota=review_page.quota_by_group(shown, cycle) if shown is not None else [],
                   diff=review_page.diff(cycle, unit, shown) if shown is not None else None)
    context.update(extra)
    return context


@bp.post("/units/<code>/<any(approve, return, reopen):action>")
@role_required(*REVIEWERS)
def act(code, action):
    unit = unit_for_user_or_404(code)
    cycle = open_cycle_or_refuse()
    if action == "approve" and not request.form.get("confirmed"):
        return render_page("review/confirm_approve.html", **review_context(unit, cycle))
    try:
        workflow.review(cycle, unit, current_user, action, request.form.get("comment"),
                        seen_submission_id=form_id("submission_id"))
    except workflow.WorkflowRefused as refused:
        reason, status = refused.message, refused.http_status
        return answer("review/unit.html", "review/_actions.html",
                      lambda: review_context(unit, cycle, review_error=reason),
                      back_to=url_for("review.unit", code=unit.code), message=reason, category="danger",
                      http_status=status)
    notifications.send_pending_mail()
    message = {"approve": "Đã duyệt kết quả của đơn vị.", "return": "Đã trả lại đơn vị kèm nhận xét.",
               "reopen": "Đã mở lại để đơn vị sửa."}[action]
    return answer("review/unit.html", "review/_actions_response.html",
                  lambda: review_context(unit, cycle, review_message=message),
                  back_to=url_for("review.unit", code=unit.code), message=message)


@bp.get("/approve-clean")
@role_required(*REVIEWERS)
@needs_open_cycle
def approve_clean_list(cycle):
    return render_page("review/approve_clean.html", cycle=cycle, units=review_page.clean_submissions(cycle))


@bp.post("/approve-clean")
@role_required(*REVIEWERS)
def approve_clean():
    cycle = open_cycle_or_refuse()
    seen = {code: int(version) for code, _, version in (item.rpartition("@") for item in request.form.getlist("seen"))
            if version.isdigit()}
    approved = workflow.approve_clean(cycle, current_user, request.form.getlist("unit"), seen)
    notifications.send_pending_mail()
    return redirect_with(f"Đã duyệt {len(approved)} đơn vị không có lỗi, không có cảnh báo.",
                         url_for("review.index", status=WorkbookStatus.APPROVED.code))


@bp.get("/checks")
@role_required(*REVIEWERS)
@needs_open_cycle
def checks(cycle):
    checks = checks_store.page(cycle, request.args.get("page", 1, type=int))  # computed by the queue, stored
    return render_page("review/checks.html", "review/_checks.html", cycle=cycle, checks=checks,
                       severity_texts=checks_store.SEVERITY_TEXTS)


@bp.get("/audit")
@role_required(*REVIEWERS)
def audit():
    filters = audit_log.AuditFilters.from_args(request.args)
    events, more = audit_log.events(filters)
    return render_page("review/audit.html", "review/_audit_rows.html", events=events, more=more, filters=filters,
                       actions=audit_log.known_actions(), action_texts=audit_log.ACTION_TEXTS)


@bp.post("/bulk/<any(templates, approved):kind>")
@role_required(*REVIEWERS)
def bulk_start(kind):
    cycle = open_cycle_or_refuse()
    job = bulk.start(kind, cycle, current_user)
    return answer("review/bulk.html", "review/_bulk_progress.html", lambda: bulk_page(job),
                  back_to=url_for("review.bulk_status", job_id=job.id))


@bp.get("/bulk/<int:job_id>")
@role_required(*REVIEWERS)
def bulk_status(job_id):
    job = job_or_404(job_id, bulk.KINDS)
    return render_page("review/bulk.html", "review/_bulk_progress.html", **bulk_page(job))


def bulk_page(job) -> dict:
    return job_page(job, url_for("review.bulk_status", job_id=job.id), url_for("review.bulk_file", job_id=job.id),
                    back=(url_for("review.index"), "Bảng theo dõi"))


@bp.get("/bulk/<int:job_id>/file")
@role_required(*REVIEWERS)
def bulk_file(job_id):
    job = finished_job_or_404(job_id, bulk.KINDS)
    return send_download(job.content, job.filename, "application/zip")
