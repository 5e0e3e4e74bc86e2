from datetime import date

from flask import request, url_for
from flask_login import current_user

from kdweb.rules import SubjectKind
from kdweb.rules.registry import rule_set_for_year
from kdweb.services.admin import AdminRefusal, cycles as cycle_service, members_left
from kdweb.views.admin import bp, dmy, refusal_text, refused
from kdweb.views.lookups import cycle_or_404
from kdweb.views.rendering import redirect_with, render_page

DATE_FIELDS = ("review_date", "grassroots_deadline", "district_deadline")


@bp.get("/cycles")
def cycles():
    year = _next_year()
    return _list({"year": year, "rule_set_id": rule_set_for_year(year)})


@bp.post("/cycles")
def create_cycle():
    values = _values()
    try:
        cycle = cycle_service.create_cycle(current_user, **values)
    except AdminRefusal as error:
        return _list(values, refusal_text(error), 422)
    return redirect_with(f"Đã tạo đợt kiểm điểm năm {cycle.year}. Đợt chưa mở: bấm “Mở đợt” khi sẵn sàng.",
                         url_for("admin.cycles"))


@bp.get("/cycles/<int:year>")
def edit_cycle(year):
    cycle = cycle_or_404(year)
    values = {"rule_set_id": cycle.rule_set_id, **{name: dmy(getattr(cycle, name)) for name in DATE_FIELDS}}
    return _edit(cycle, values)


@bp.post("/cycles/<int:year>")
def update_cycle(year):
    cycle = cycle_or_404(year)
    values = _values()
    values.pop("year", None)
    earlier_review_date = cycle.review_date
    try:
        cycle_service.update_cycle(current_user, cycle, **values)
    except AdminRefusal as error:
        return _edit(cycle, values, refusal_text(error), 422)
    done, left = f"Đã lưu đợt kiểm điểm năm {cycle.year}.", members_left.left_out_by(cycle, earlier_review_date)
    if left:
        return redirect_with(f"{done} {members_left.review_date_message(cycle, left)}", url_for("admin.cycles"),
                             "warning")
    return redirect_with(done, url_for("admin.cycles"))


@bp.post("/cycles/<int:year>/quota-marks")
def add_quota_mark(year):
    cycle = cycle_or_404(year)
    try:
        cycle_service.add_quota_mark(current_user, cycle, request.form.get("unit_code", ""),
                                     request.form.get("subject_kind", ""))
    except AdminRefusal as error:
        return refused(error, url_for("admin.edit_cycle", year=year))
    share = cycle_service.outstanding_share(cycle.rule_set_id)
    return redirect_with(f"Đã đánh dấu nhóm nổi trội (tỷ lệ tới {share}); mẫu Excel tải từ nay ghi nhận điều này.",
                         url_for("admin.edit_cycle", year=year, _anchor="quota-marks"))


@bp.post("/cycles/<int:year>/quota-marks/<int:mark_id>/delete")
def remove_quota_mark(year, mark_id):
    cycle = cycle_or_404(year)
    try:
        cycle_service.remove_quota_mark(current_user, cycle, mark_id)
    except AdminRefusal as error:
        return refused(error, url_for("admin.edit_cycle", year=year))
    return redirect_with("Đã bỏ đánh dấu nhóm nổi trội.", url_for("admin.edit_cycle", year=year, _anchor="quota-marks"))


@bp.post("/cycles/<int:year>/open")
def open_cycle(year):
    cycle = cycle_or_404(year)
    try:
        opened = cycle_service.open_review_cycle(current_user, cycle)
    except AdminRefusal as error:
        return refused(error, url_for("admin.cycles"))
    message = f"Đã mở đợt kiểm điểm năm {cycle.year}."
    if opened.copied_from:
        message += (f" Đã chép danh sách năm {opened.copied_from}: {opened.members} đảng viên, "
                    f"{opened.collectives} tập thể, {opened.leader_posts} chức danh lãnh đạo.")
    if opened.unit_rows:
        message += f" {opened.unit_rows} đơn vị báo cáo được đưa vào đợt."
    return redirect_with(message, url_for("admin.cycles"))


@bp.get("/cycles/<int:year>/close")
def confirm_close_cycle(year):
    cycle = cycle_or_404(year)
    return render_page("admin/cycle_close.html", cycle=cycle, effect=cycle_service.close_effect(cycle))


@bp.post("/cycles/<int:year>/close")
def close_cycle(year):
    cycle = cycle_or_404(year)
    try:
        cycle_service.close_review_cycle(current_user, cycle, request.form.get("confirm_year"))
    except AdminRefusal as error:
        return render_page("admin/cycle_close.html", http_status=422, cycle=cycle,
                           effect=cycle_service.close_effect(cycle), error=refusal_text(error))
    return redirect_with(f"Đã đóng đợt kiểm điểm năm {cycle.year}.", url_for("admin.cycles"))


def _values() -> dict:
    form = request.form
    return {"year": form.get("year", "").strip(), "rule_set_id": form.get("rule_set_id", ""),
            **{name: form.get(name, "").strip() for name in DATE_FIELDS}}


def _next_year() -> int:
    years = [cycle.year for cycle in cycle_service.all_cycles()]
    return max(years) + 1 if years else date.today().year


def _list(values, error=None, http_status=200):
    return render_page("admin/cycles.html", http_status=http_status, cycles=cycle_service.all_cycles(),
                       values=values, error=error, rule_sets=cycle_service.rule_set_choices())


def _edit(cycle, values, error=None, http_status=200):
    return render_page("admin/cycle_edit.html", http_status=http_status, cycle=cycle, values=values, error=error,
                       rule_sets=cycle_service.rule_set_choices(),
                       parameters=cycle_service.rule_set_parameters(cycle.rule_set_id),
                       quota_marks=cycle_service.quota_marks(cycle), subject_kinds=list(SubjectKind))
