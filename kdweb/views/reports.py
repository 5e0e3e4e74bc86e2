"""The aggregated district report: the page per cycle, the subjects behind each number, and the exports."""
from flask import Blueprint, abort, request, url_for

from kdweb.access import role_required, unit_for_user_or_404
from kdweb.exports.tabular import report_csv, report_json, report_ods
from kdweb.exports.xlsx_report import Letterhead, report_xlsx
from kdweb.reports import (
    BASES, BASIS_TEXTS, DEFAULT_BASIS, KIND_TEXTS, LEVEL_TEXTS, Selection, UnknownSelection, group_label,
    level_bars, measure_label, measure_query, rating_group_label,
)
from kdweb.reports.columns import columns, header_cells, quota_columns
from kdweb.reports.formatting import vn_count, vn_percent
from kdweb.reports.vocabulary import group_from_key, not_rated_label
from kdweb.services import reports
from kdweb.services.superior import current_superior
from kdweb.views.lookups import cycle_or_404
from kdweb.views.params import int_arg
from kdweb.views.rendering import render_page, send_download

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.add_app_template_filter(vn_count, "vn_count")
bp.add_app_template_filter(vn_percent, "vn_percent")

SUBJECTS_PER_PAGE = 100
UNITS_SHOWN_IN_FULL = 150  # a district has ~65 reporting units; a city's 1,900 rows would be a 9 MB page
BASIS_FILE_WORDS = {"approved": "đã duyệt", "submitted": "đã nộp"}
DOWNLOADS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "json": "application/json",
}


@bp.get("/")
@role_required("reviewer", "admin")
def index():
    return render_page("reports/index.html", years=reports.cycle_years())


@bp.get("/<int:year>")
@role_required("reviewer", "admin")
def show(year):
    report = reports.district_report(cycle_or_404(year), _basis())
    charts = {table.kind: level_bars([*table.group_rows, table.total]) for table in report.tables}
    return render_page("reports/show.html", "reports/_report.html", report=report, charts=charts,
                       columns=columns, header_cells=header_cells, quota_columns=quota_columns,
                       subjects_url=subjects_url, bases=BASIS_TEXTS, level_texts=LEVEL_TEXTS,
                       units_shown_in_full=UNITS_SHOWN_IN_FULL, open_group=request.args.get("open"))


@bp.get("/<int:year>/subjects")
@role_required("reviewer", "admin")
def subjects(year):
    cycle, basis = cycle_or_404(year), _basis()
    try:
        selection = Selection.from_query(request.args)
    except UnknownSelection:
        abort(400)
    unit = unit_for_user_or_404(selection.unit) if selection.unit else None
    page = int_arg("page", 1)
    rows, total = reports.subjects(cycle.id, basis, selection, page, SUBJECTS_PER_PAGE)
    return render_page(
        "reports/subjects.html", "reports/_subjects.html", year=year, basis=basis, selection=selection,
        rows=rows, total=total, page_number=page, pages=max(1, -(-total // SUBJECTS_PER_PAGE)),
        per_page=SUBJECTS_PER_PAGE, heading=_heading(selection, unit), basis_text=BASIS_TEXTS[basis],
        level_texts=LEVEL_TEXTS, not_rated_label=not_rated_label,
    )


@bp.get("/<int:year>/report.xlsx")
@role_required("reviewer", "admin")
def export_xlsx(year):
    report = reports.district_report(cycle_or_404(year), _basis(), compare=False)
    superior = current_superior()
    letterhead = Letterhead(committee=superior.letterhead_committee, department=superior.letterhead_department,
                            place=superior.place)
    return _download(report_xlsx(report, letterhead), report, "xlsx")


@bp.get("/<int:year>/report.csv")
@role_required("reviewer", "admin")
def export_csv(year):
    report = reports.district_report(cycle_or_404(year), _basis(), compare=False)
    return _download(report_csv(report), report, "csv")


@bp.get("/<int:year>/report.ods")
@role_required("reviewer", "admin")
def export_ods(year):
    report = reports.district_report(cycle_or_404(year), _basis(), compare=False)
    return _download(report_ods(report), report, "ods")


@bp.get("/<int:year>/report.json")
@role_required("reviewer", "admin")
def export_json(year):
    report = reports.district_report(cycle_or_404(year), _basis(), compare=False)
    return _download(report_json(report).encode("utf-8"), report, "json")


def subjects_url(report, kind: str, row, measure: str) -> str:
    """The drill-down page of one number of the report."""
    return url_for("reports.subjects", year=report.year, kind=kind, basis=report.basis, **row.filters,
                   **measure_query(measure))


def _basis() -> str:
    basis = request.args.get("basis") or DEFAULT_BASIS
    if basis not in BASES:
        abort(400)
    return basis


def _download(content: bytes, report, extension: str):
    filename = (f"Báo cáo kết quả đánh giá, xếp loại chất lượng năm {report.year} - "
                f"{BASIS_FILE_WORDS[report.basis]}.{extension}")
    return send_download(content, filename, DOWNLOADS[extension])


def _heading(selection: Selection, unit) -> list[str]:
    parts = [KIND_TEXTS[selection.kind]]
    if unit is not None:
        parts.append(unit.name)
    if selection.group is not None:
        parts.append(group_label(group_from_key(selection.group)))
    if selection.rating_group is not None:
        parts.append(rating_group_label(group_from_key(selection.rating_group)))
    parts.append(measure_label(selection.measure, selection.kind))
    return parts
