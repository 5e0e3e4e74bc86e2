from flask import abort, redirect, request, url_for
from flask_login import current_user

from kdweb.extensions import db
from kdweb.models import RosterImport
from kdweb.services.admin import AdminRefusal, roster_import as import_service
from kdweb.services.admin.roster_mapping import CELL_KINDS, FIELDS
from kdweb.services.admin import roster_browse, roster_template as roster_workbooks
from kdweb.services.admin.roster_template import roster_workbook
from kdweb.services.admin.units import unit_tree
from kdweb.services.cycles import open_cycle
from kdweb.views.admin import bp, refusal_text, refused
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
    return _xlsx(roster_workbook(_cells()), "mau-danh-sach-dang-vien.xlsx")


@bp.get("/roster/export.xlsx")
def roster_export():
    cycle = open_cycle()
    if cycle is None:
        abort(404)
    return _xlsx(roster_workbooks.roster_export(cycle), f"danh-sach-dang-vien-{cycle.year}.xlsx")


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
    try:
        preview = import_service.preview(roster_import, sheet=args.get("sheet"), header_row=header_row,
                                         mapping=mapping)
    except AdminRefusal as error:
        return refused(error, url_for("admin.roster"))
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
    try:
        done = import_service.apply_import(current_user, roster_import, sheet=form.get("sheet"),
                                           header_row=form.get("header_row"),
                                           mapping=import_service.mapping_from_form(form) or {}, expected=expected,
                                           valid_only=form.get("valid_only") == "1")
    except AdminRefusal as error:
        return redirect_with(refusal_text(error),
                             url_for("admin.roster_import", import_id=import_id, **_mapping_args(form)), "danger")
    except import_service.RosterImportFailed as error:
        return redirect_with(str(error),
                             url_for("admin.roster_import", import_id=import_id, **_mapping_args(form)), "danger")
    return redirect_with(f"Đã nhập danh sách: {done.added_count} đảng viên mới, {done.updated_count} cập nhật, "
                         f"{done.unchanged_count} không đổi.", url_for("admin.roster_import", import_id=import_id))


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


def _cells() -> list[tuple[str, str]]:
    return [(row.unit.code, row.unit.name) for row in unit_tree() if row.unit.active and row.unit.kind in CELL_KINDS]


def _xlsx(content: bytes, filename: str):
    return send_download(content, filename, XLSX)
