"""The unit's page: download the workbook, upload, see findings inline, submit; and its history."""
from functools import wraps

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from kdweb.access import role_required, unit_for_user_or_404
from kdweb.models import Cycle, Unit
from kdweb.services import conversation, unit_page, uploads, workbooks, workflow
from kdweb.services.cycles import open_cycle
from kdweb.services.superior import current_superior
from kdweb.views.lookups import cycle_or_404, open_cycle_or_404
from kdweb.views.params import cell_arg, form_id, int_arg
from kdweb.views.rendering import answer, redirect_with, render_page, send_download

bp = Blueprint("units", __name__, url_prefix="/units")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def in_open_cycle(action):
    """A unit staff's action on their own unit in the open cycle, given as (unit, cycle). A cycle closed while the
    page was open is said as such (409), not as a page not found."""
    @wraps(action)
    def in_cycle(code):
        unit = own_unit_or_403(code)
        cycle = open_cycle()
        if cycle is None:
            return refusal(unit, cycle, workflow.NO_OPEN_CYCLE, 409)
        return action(unit, cycle)
    return in_cycle


@bp.get("/")
@role_required("reviewer", "admin")
def index():
    return render_page("units/index.html", units=unit_page.reporting_units(), cycle=open_cycle())


@bp.get("/<code>")
@login_required
def show(code):
    unit = unit_for_user_or_404(code)
    return render_page("units/show.html", **unit_page.context(unit, open_cycle(), current_user))


@bp.get("/<code>/years/<int:year>")
@login_required
def past_cycle(code, year):
    """A unit's history in any cycle, open or closed: read access stays after the cycle closes."""
    unit = unit_for_user_or_404(code)
    return render_page("units/show.html", **unit_page.context(unit, cycle_or_404(year), current_user))


@bp.get("/<code>/v/<int:version>")
@login_required
def version(code, version):
    return render_page("units/show.html", "units/_results.html", **version_context(code, version))


@bp.get("/<code>/returned.xlsx")
@login_required
def returned_copy(code):
    """The file the unit submitted, with Ban Tổ chức's comments as Excel notes; only once it was sent back."""
    unit = unit_for_user_or_404(code)
    cycle = open_cycle_or_404()
    try:
        found = conversation.commented_copy(cycle, unit) or abort(404)
    except uploads.Unreadable as unreadable:
        return refusal(unit, cycle, unreadable.message, 422)
    return send_download(found[0], found[1], XLSX)


@bp.get("/<code>/workbook.xlsx")
@login_required
@in_open_cycle
def workbook(unit, cycle):
    refused = workflow.no_longer_expected(cycle, unit)
    if refused:
        return refusal(unit, cycle, refused, 409)
    carry_over = request.args.get("carry") == "1"  # the fresh workbook after a roster change keeps what was typed
    data, _template = workbooks.issue_workbook(cycle, unit, current_user, carry_over=carry_over)
    return send_download(data, workbooks.workbook_filename(cycle, unit), XLSX)


@bp.post("/<code>/uploads")
@login_required
@in_open_cycle
def upload(unit, cycle):
    file = request.files.get("file")
    if file is None or not file.filename:
        return refusal(unit, cycle, "Chưa chọn tệp. Hãy chọn tệp Excel (.xlsx) đã điền của đơn vị.", 422)
    try:
        result = uploads.accept_upload(cycle, unit, current_user, file.filename, file.read())
    except workflow.WorkflowRefused as refused:
        return refusal(unit, cycle, refused.message, refused.http_status)
    shown_at = url_for("units.version", code=unit.code, version=result.upload.version)
    response = answer("units/show.html", "units/_upload_response.html",
                      lambda: {**unit_page.context(unit, cycle, current_user, version=result.upload.version),
                               "identical_to": result.identical_to},
                      back_to=shown_at)
    if response.status_code == 200:  # the fragment: the address bar follows the version shown
        response.headers["HX-Push-Url"] = shown_at
    return response


@bp.get("/<code>/v/<int:version>/findings")
@login_required
def findings(code, version):
    context = version_context(code, version, severity=request.args.get("severity") or None,
                              sheet=request.args.get("sheet") or None)
    return render_page("units/show.html", "units/_findings.html", **context)


@bp.get("/<code>/v/<int:version>/preview")
@login_required
def preview(code, version):
    context = version_context(code, version)
    context["preview"] = uploads.preview(context["shown"], request.args.get("sheet"), cell_arg())
    return render_page("units/preview.html", "units/_preview.html", **context)


@bp.get("/<code>/v/<int:version>/original")
@login_required
def original(code, version):
    unit = unit_for_user_or_404(code)
    upload = uploads.upload_of(unit, shown_cycle_or_404(), version) or abort(404)
    return send_download(upload.content, upload.filename, XLSX)


@bp.get("/<code>/v/<int:version>/annotated.xlsx")
@login_required
def annotated(code, version):
    unit = unit_for_user_or_404(code)
    upload = uploads.upload_of(unit, shown_cycle_or_404(), version) or abort(404)
    try:
        data = uploads.annotated_copy(upload)
    except uploads.Unreadable as unreadable:
        return refusal(unit, shown_cycle_or_404(), unreadable.message, 422)
    if data is None:
        abort(404)
    stem = upload.filename.rsplit(".", 1)[0]
    return send_download(data, f"{stem} - đánh dấu lỗi.xlsx", XLSX)


@bp.post("/<code>/v/<int:version>/recheck")
@login_required
def recheck(code, version):
    unit = unit_for_user_or_404(code)
    if not unit_page.may_recheck(current_user, unit):
        abort(403)
    cycle = open_cycle_or_404()
    back = url_for("review.unit", code=unit.code) if current_user.role != "staff" \
        else url_for("units.version", code=unit.code, version=version)
    try:
        upload = uploads.recheck(cycle, unit, current_user, version)
    except workflow.WorkflowRefused as refused:
        if refused.http_status == 404:
            abort(404)
        return redirect_with(refused.message, back, "danger")
    # a plain form on both pages: no fragment to swap
    message, category = unit_page.recheck_message(upload, unit_page.is_own_staff(current_user, unit))
    if upload.version != version and current_user.role == "staff":  # checked again as a new version
        back = url_for("units.version", code=unit.code, version=upload.version)
    return redirect_with(message, back, category)


@bp.post("/<code>/submit")
@login_required
@in_open_cycle
def submit(unit, cycle):
    upload_id = form_id("upload_id") or 0
    if not request.form.get("confirmed"):
        context = unit_page.context(unit, cycle, current_user)
        context["acknowledged"] = bool(request.form.get("acknowledge_warnings"))
        context["acknowledged_unchanged"] = bool(request.form.get("acknowledge_unchanged"))
        return render_page("units/confirm_submit.html", **context)
    try:
        submission, created = workflow.submit(cycle, unit, current_user, upload_id,
                                              acknowledge_warnings=bool(request.form.get("acknowledge_warnings")),
                                              acknowledge_unchanged=bool(request.form.get("acknowledge_unchanged")))
    except workflow.WorkflowRefused as refused:
        context = unit_page.context(unit, cycle, current_user)
        context["submit_error"] = refused.message
        return render_page("units/show.html", "units/_submit.html", http_status=refused.http_status, **context)
    message = (f"Đã nộp kết quả. {current_superior().staff_body} sẽ xem và duyệt." if created
               else "Kết quả này đã được nộp trước đó.")
    return answer("units/show.html", "units/_submit_response.html",
                  lambda: {**unit_page.context(unit, cycle, current_user), "submit_message": message},
                  back_to=url_for("units.show", code=unit.code), message=message)


def version_context(code, version, **filters) -> dict:
    """The unit page's context showing one version; 404 for a version that does not exist."""
    unit = unit_for_user_or_404(code)
    context = unit_page.context(unit, shown_cycle_or_404(), current_user, version=version, **filters)
    if context.get("shown") is None:
        abort(404)
    return context


def own_unit_or_403(code) -> Unit:
    """The unit, if the current user is its staff: only a unit's own staff download, upload and submit."""
    unit = unit_for_user_or_404(code)
    if current_user.role != "staff" or current_user.unit_id != unit.id:
        abort(403)
    return unit


def shown_cycle_or_404() -> Cycle:
    """The cycle a version page shows: `?year=` names a past one; otherwise the open cycle."""
    year = int_arg("year", 0)
    return cycle_or_404(year) if year else open_cycle_or_404()


def refusal(unit, cycle, message, http_status):
    context = unit_page.context(unit, cycle, current_user)
    context["refusal"] = message
    return render_page("units/show.html", "units/_refusal.html", http_status=http_status, **context)


