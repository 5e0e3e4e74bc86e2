from flask import abort, redirect, request, url_for
from flask_login import current_user

from kdweb.extensions import db
from kdweb.models import RosterImport
from kdweb.services import jobs
from kdweb.services.admin import AdminRefusal, roster_import as import_service, roster_jobs
from kdweb.services.admin.roster_mapping import FIELDS
from kdweb.services.admin import roster_browse
from kdweb.services.admin.roster_template import member_cells, roster_workbook
from kdweb.services.cycles import open_cycle
from kdweb.views.admin import bp, refused
from kdweb.views.jobs import job_page
from kdweb.views.lookups import finished_job_or_404, job_or_404, open_cycle_or_404
from kdweb.views.params import int_arg
from kdweb.views.rendering import redirect_with, render_page, send_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 200


@bp.get("/roster")
def roster():
    cycle = open_cycle()
    imports = import_service.imports_of(cycle) if cycle else []
    return render_page("admin/roster.html", cycle=cycle, imports=imports, fields=FIELDS)


@bp.get("/roster/members")
def roster_members():
    cycle = open_cycle()
    found = roster_browse.members_page(cycle, request.args.get("q", ""), request.args.get("unit", ""),
                                       int_arg("page", 1)) if cycle else None
    return render_page("admin/roster_members.html", "admin/_roster_member_rows.html", cycle=cycle, found=found)


@bp.get("/roster/template.xlsx")
def roster_template():
    return _xlsx(roster_workbook(member_cells(open_cycle())), "mau-danh-sach-dang-vien.xlsx")


@bp.post("/roster/export")
def roster_export():
    """The current roster as a file, built by a worker; the job's page offers it when it is ready."""
    job = roster_jobs.start_export(open_cycle_or_404(), current_user)
    return redirect(url_for("admin.roster_job", job_id=job.id), code=303)


@bp.get("/roster/jobs/<int:job_id>")
def roster_job(job_id):
    job = job_or_404(job_id, roster_jobs.KINDS)
    import_id = job.params.get("import_id")
    return render_page("review/bulk.html", "review/_bulk_progress.html", **job_page(
        job, url_for("admin.roster_job", job_id=job.id), url_for("admin.roster_job_file", job_id=job.id),
        back=(url_for("admin.roster_import", import_id=import_id) if import_id else url_for("admin.roster"),
              "Nhập danh sách" if import_id else "Danh sách đảng viên"),
        result_url=url_for("admin.roster_import", import_id=import_id) if import_id else None))


@bp.get("/roster/jobs/<int:job_id>/file")
def roster_job_file(job_id):
    job = finished_job_or_404(job_id, (roster_jobs.EXPORT,))
    return _xlsx(job.content, job.filename)


@bp.post("/roster/imports")
def upload_roster():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return refused(AdminRefusal("Chọn tệp danh sách để tải lên."), url_for("admin.roster"))
    try:
        roster_import = import_service.receive_file(current_user, upload.filename, upload.read())
    except AdminRefusal as error:
        return refused(error, url_for("admin.roster"))
    return redirect(url_for("admin.roster_import", import_id=roster_import.id), code=303)


@bp.get("/roster/imports/<int:import_id>")
def roster_import(import_id):
    roster_import = db.get_or_404(RosterImport, import_id)
    if roster_import.state != "preview":
        return render_page("admin/roster_import.html", roster_import=roster_import, preview=None)
    args = request.args
    header_row, mapping = args.get("header_row"), import_service.mapping_from_form(args)
    if args.get("sheet", "") != args.get("shown_sheet", ""):
        header_row = mapping = None  # another sheet: find its header row and propose again
    elif header_row != args.get("shown_header_row", header_row):
        mapping = None  # another header row: other headers, so propose again
    if import_service.previewed_in_a_job(roster_import):  # a large file: read and checked by a worker
        job = roster_jobs.start_preview(current_user, roster_import, sheet=args.get("sheet"), header_row=header_row,
                                        mapping=mapping)
        return _preview_or_progress(roster_import, job)
    try:
        preview = import_service.preview(roster_import, sheet=args.get("sheet"), header_row=header_row,
                                         mapping=mapping)
    except AdminRefusal as error:
        return refused(error, url_for("admin.roster"))
    return _preview_page(roster_import, preview)


@bp.get("/roster/imports/<int:import_id>/previews/<int:job_id>")
def roster_preview_job(import_id, job_id):
    """The reading and preview of a large file, polled while a worker does it, then the preview it kept."""
    roster_import = db.get_or_404(RosterImport, import_id)
    job = jobs.status(job_id)
    if job is None:  # dropped for a newer preview of the file: read it again
        return redirect(url_for("admin.roster_import", import_id=import_id), code=303)
    if job.kind != roster_jobs.PREVIEW or job.params.get("import_id") != import_id:
        abort(404)
    if roster_import.state != "preview":
        return render_page("admin/roster_import.html", roster_import=roster_import, preview=None)
    return _preview_or_progress(roster_import, job)


def _preview_or_progress(roster_import, job):
    if job.state == "done":
        return _preview_page(roster_import, roster_jobs.previewed(job, roster_import))
    return render_page("admin/roster_import.html", "admin/_roster_preview_job.html", roster_import=roster_import,
                       preview=None, **job_page(
                           job, url_for("admin.roster_preview_job", import_id=roster_import.id, job_id=job.id),
                           back=(url_for("admin.roster"), "Danh sách đảng viên")))


def _preview_page(roster_import, preview):
    return render_page("admin/roster_import.html", "admin/_roster_preview.html", roster_import=roster_import,
                       preview=preview, fields=FIELDS, shown_rows=SHOWN_ROWS,
                       preview_mapping_args={f"col_{index}": key for index, key in preview.mapping.items()})


@bp.post("/roster/imports/<int:import_id>/apply")
def apply_roster_import(import_id):
    roster_import = db.get_or_404(RosterImport, import_id)
    form = request.form
    try:
        expected = (int(form.get("expected_added", "")), int(form.get("expected_updated", "")),
                    int(form.get("expected_founded", "0")))
    except ValueError:
        expected = None
    if roster_import.state != "preview":
        return redirect_with("Tệp này đã được nhập rồi.", url_for("admin.roster_import", import_id=import_id), "danger")
    running = roster_jobs.import_in_progress(roster_import)
    if running is not None:  # confirmed twice: the first confirmation's job is the one to follow
        return redirect(url_for("admin.roster_job", job_id=running.id), code=303)
    job = roster_jobs.start_import(current_user, roster_import, sheet=form.get("sheet"),
                                   header_row=form.get("header_row"),
                                   mapping=import_service.mapping_from_form(form) or {}, expected=expected,
                                   valid_only=form.get("valid_only") == "1")
    if job.state == "failed" and job.attempts == 1:  # refused at once (rows with errors, the roster changed…)
        return redirect_with(job.error, url_for("admin.roster_import", import_id=import_id, **_mapping_args(form)),
                             "danger")
    if job.state == "done":  # a queue that runs jobs at once (or a fast worker)
        return redirect_with(f"Đã nhập danh sách: {roster_import.added_count} đảng viên mới, "
                             f"{roster_import.updated_count} cập nhật, {roster_import.unchanged_count} không đổi.",
                             url_for("admin.roster_import", import_id=import_id))
    return redirect(url_for("admin.roster_job", job_id=job.id), code=303)


@bp.get("/roster/imports/<int:import_id>/errors.xlsx")
def roster_import_errors(import_id):
    """The file's rows with errors and what is wrong with each, to fix and import again."""
    roster_import = db.get_or_404(RosterImport, import_id)
    args = request.args
    try:
        data = import_service.error_rows_workbook(roster_import, sheet=args.get("sheet"),
                                                  header_row=args.get("header_row"),
                                                  mapping=import_service.mapping_from_form(args))
    except AdminRefusal as error:
        return refused(error, url_for("admin.roster"))
    if data is None:
        abort(404)
    stem = roster_import.filename.rsplit(".", 1)[0]
    return _xlsx(data, f"{stem} - các dòng có lỗi.xlsx")


@bp.get("/roster/imports/<int:import_id>/file")
def roster_import_file(import_id):
    roster_import = db.get_or_404(RosterImport, import_id)
    return send_download(roster_import.content, roster_import.filename, "application/octet-stream")


def _mapping_args(form) -> dict:
    return {name: value for name, value in form.items()
            if name.startswith("col_") or name in ("sheet", "header_row")}


def _xlsx(content: bytes, filename: str):
    return send_download(content, filename, XLSX)
