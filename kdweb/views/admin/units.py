from flask import abort, request, url_for
from flask_login import current_user

from kdweb.models import UnitKind, UnitLevel
from kdweb.services.admin import AdminRefusal, members_left, moved_leadership, units as unit_service
from kdweb.views.admin import bp, refusal_text, row_action, switch_routes
from kdweb.views.rendering import redirect_with, render_page

FORM_FIELDS = ("name", "kind", "level", "group", "quota_group", "parent_id", "sort_order", "founded_on", "valid_from",
               "valid_to", "successor_id")


@bp.get("/units")
def units():
    opened = {code for code in request.args.getlist("open") if code}
    view = unit_service.tree_view(unit_service.unit_tree(), request.args.get("q", ""), opened,
                                  everything=request.args.get("all") == "1")
    return render_page("admin/units.html", view=view, q=request.args.get("q", "").strip(), opened=opened,
                       left_behind=members_left.left_everywhere())


@bp.get("/units/new")
def new_unit():
    parent = unit_service.unit_by_code(request.args.get("parent", ""))
    values = {"parent_id": parent.id if parent else "", "level": "grassroots", "kind": "cell", "reports": False}
    return _form(None, values)


@bp.post("/units/new")
def create_unit():
    values = _values()
    try:
        unit = unit_service.create_unit(current_user, code=request.form.get("code", ""), **values)
    except AdminRefusal as error:
        return _form(None, {**values, "code": request.form.get("code", "")}, error, 422)
    return redirect_with(f"Đã tạo đơn vị “{unit.name}”.", url_for("admin.units", _anchor=f"unit-{unit.id}"))


@bp.get("/units/<code>")
def edit_unit(code):
    unit = unit_service.unit_by_code(code) or abort(404)
    values = {name: getattr(unit, name) for name in (*FORM_FIELDS, "reports")}
    values.update({name: values[name].strftime("%d/%m/%Y") if values[name] else "" for name in ("valid_from", "valid_to")})
    return _form(unit, values)


@bp.post("/units/<code>")
def update_unit(code):
    unit = unit_service.unit_by_code(code) or abort(404)
    values = _values()
    try:
        unit_service.update_unit(current_user, unit, **values)
    except AdminRefusal as error:
        return _form(unit, values, error, 422)
    left, posts = members_left.left_in(unit), moved_leadership.posts_left_behind(unit)
    told = [text for text in (left.message if left else "",
                              moved_leadership.left_behind_message(posts) if posts else "") if text]
    return redirect_with(" ".join((f"Đã lưu đơn vị “{unit.name}”.", *told)),
                         url_for("admin.units", _anchor=f"unit-{unit.id}"), "warning" if told else "success")


def switch_unit(code, active):
    unit = unit_service.unit_by_code(code) or abort(404)
    action, done = ((unit_service.activate_unit, "Đã kích hoạt lại đơn vị “{}”.") if active
                    else (unit_service.deactivate_unit, "Đã ngừng hoạt động đơn vị “{}”."))
    return row_action(action, unit, done=done.format(unit.name), page="admin/units.html", row="admin/_unit_row.html",
                      context=lambda: {"row": _row_of(unit)}, back_to=url_for("admin.units", _anchor=f"unit-{unit.id}"),
                      warning=lambda: _left_message(unit))


switch_routes("/units/<code>", "unit", switch_unit)


def _left_message(unit) -> str | None:
    left = members_left.left_in(unit)
    return left.message if left else None


def _row_of(unit):
    return next(row for row in unit_service.unit_tree() if row.unit.id == unit.id)


def _values() -> dict:
    form = request.form
    return {**{name: form.get(name, "").strip() for name in FORM_FIELDS}, "reports": form.get("reports") == "1"}


def _form(unit, values, error=None, http_status=200):
    message = refusal_text(error) if error is not None else None
    tree = unit_service.unit_tree()
    excluded = unit_service.subtree_ids(unit.id) if unit else set()
    parents = [row for row in tree if row.unit.id not in excluded
               and (row.unit.active or (unit is not None and row.unit.id == unit.parent_id))]
    groups = sorted({row.unit.group for row in tree if row.unit.group})
    quota_groups = sorted({row.unit.quota_group for row in tree if row.unit.quota_group})
    successors = [row for row in tree if unit is None or row.unit.id != unit.id]
    return render_page("admin/unit_form.html", http_status=http_status, unit=unit, values=values, error=message,
                       parents=parents, groups=groups, quota_groups=quota_groups, kinds=list(UnitKind),
                       levels=list(UnitLevel),
                       successors=successors)
