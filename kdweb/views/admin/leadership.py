"""A unit's leader posts and leadership collectives in the open cycle: give a post to another member, rename a
collective, add one, end one, give either a quota group (kdweb/services/admin/leadership.py). The two kinds of record share their routes'
shape, so each is one `Listed` entry that the change and end routes read."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, request, url_for
from flask_login import current_user

from kdweb.services.admin import AdminRefusal, leadership, units as unit_service
from kdweb.views.admin import bp
from kdweb.views.rendering import answer, redirect_with, render_page

PAGE = "admin/unit_leadership.html"
POST_FIELDS = ("code", "title", "group", "member_code", "heads_unit_id", "heads_collective_id")
COLLECTIVE_FIELDS = ("code", "name", "collective_type", "leads_unit_id", "founded_on")


@dataclass(frozen=True)
class Listed:
    """One kind of record in the page's tables: its routes (/units/<code>/leadership/`path`/<`code_arg`>, and /end),
    how to find it in a unit, its row, what a change and an end do and say."""
    path: str
    change_endpoint: str
    end_endpoint: str
    find: Callable  # (unit, code) -> record | None
    row: str
    code_arg: str  # the record's code in the routes, as the row templates' url_for name it
    row_id: str  # its row's id (the page's anchor), given the record's id
    columns: int
    field: str  # the row's one field
    change: Callable  # (user, record, value)
    changed: Callable[[object], str]
    end: Callable  # (user, record)
    ended: Callable[[object], str]
    quota_group_endpoint: str


POST = Listed(
    path="posts", change_endpoint="change_post_holder", end_endpoint="end_post",
    find=leadership.post_in, row="admin/_leader_post_row.html", code_arg="post_code", row_id="post-{}", columns=4,
    field="member_code", change=leadership.change_holder,
    changed=lambda post: f"Đã giao chức vụ “{post.title}” cho {post.person.full_name} ({post.person.code}).",
    end=leadership.end_post, ended=lambda post: f"Đã bỏ chức vụ “{post.title}” khỏi đợt này.",
    quota_group_endpoint="set_post_quota_group")
COLLECTIVE = Listed(
    path="collectives", change_endpoint="rename_collective", end_endpoint="end_collective",
    find=leadership.collective_in, row="admin/_collective_row.html", code_arg="collective_code", row_id="collective-{}",
    columns=3,
    field="name", change=leadership.rename_collective,
    changed=lambda collective: f"Đã đổi tên tập thể lãnh đạo thành “{collective.name}”.",
    end=leadership.end_collective,
    ended=lambda collective: f"Đã bỏ tập thể lãnh đạo “{collective.name}” khỏi đợt này.",
    quota_group_endpoint="set_collective_quota_group")


@bp.get("/units/<code>/leadership")
def unit_leadership(code):
    unit = unit_service.unit_by_code(code) or abort(404)
    return _page(unit)


@bp.post("/units/<code>/leadership/posts")
def add_post(code):
    return _added(code, POST_FIELDS, leadership.add_post, ("post_values", "post_error"),
                  lambda post: (f"Đã thêm chức vụ “{post.title}” ({post.code}).", f"post-{post.id}"))


@bp.post("/units/<code>/leadership/collectives")
def add_collective(code):
    return _added(code, COLLECTIVE_FIELDS, leadership.add_collective, ("collective_values", "collective_error"),
                  lambda added: (f"Đã thêm tập thể lãnh đạo “{added.name}” ({added.code}).", f"collective-{added.id}"))


def _added(code, fields, add, form_keys: tuple[str, str], done):
    """Add a post or a collective from its form; a refusal gives the page back with the form as typed (422)."""
    unit = unit_service.unit_by_code(code) or abort(404)
    values = _form(fields)
    try:
        added = add(current_user, unit, **values)
    except AdminRefusal as error:
        values_key, error_key = form_keys
        return _page(unit, http_status=422, **{values_key: values, error_key: str(error)})
    message, anchor = done(added)
    return redirect_with(message, url_for("admin.unit_leadership", code=unit.code, _anchor=anchor))


def _record_routes(kind: Listed) -> None:
    rule = f"/units/<code>/leadership/{kind.path}/<{kind.code_arg}>"
    for suffix, endpoint, handle in (("", kind.change_endpoint, _changed), ("/end", kind.end_endpoint, _ended),
                                     ("/quota-group", kind.quota_group_endpoint, _quota_group_set)):
        bp.add_url_rule(rule + suffix, view_func=_route(handle, kind, endpoint), methods=["POST"])


def _route(handle, kind: Listed, endpoint: str):
    def view(code, **record_code):  # post_code or collective_code, as the templates' url_for name it
        return handle(kind, code, *record_code.values())

    view.__name__ = endpoint  # the endpoint's name, and what Flask-WTF's exemptions look up
    return view


def _changed(kind: Listed, code: str, record_code: str):
    """Change the record from its row's field; htmx gets the row back (its refusal in it, 409, or what was done), a
    plain post a flash."""
    unit, record = _found(kind, code, record_code)
    back_to = url_for("admin.unit_leadership", code=unit.code, _anchor=kind.row_id.format(record.id))
    try:
        kind.change(current_user, record, request.form.get(kind.field, ""))
    except AdminRefusal as error:
        return _refused(kind, unit, record, error, back_to)
    message = kind.changed(record)
    return answer(PAGE, kind.row, lambda: {"record": record, "unit": unit, "done": message}, back_to=back_to,
                  message=message)


def _quota_group_set(kind: Listed, code: str, record_code: str):
    """Set (or clear) the record's quota group from its row; answered as a change of the row is."""
    unit, record = _found(kind, code, record_code)
    back_to = url_for("admin.unit_leadership", code=unit.code, _anchor=kind.row_id.format(record.id))
    try:
        leadership.set_quota_group(current_user, record, request.form.get("quota_group", ""))
    except AdminRefusal as error:
        return _refused(kind, unit, record, error, back_to)
    message = (f"Đã đặt nhóm tính tỷ lệ “{record.quota_group}”." if record.quota_group
               else "Đã bỏ nhóm tính tỷ lệ: tính theo quy định chung.")
    return answer(PAGE, kind.row, lambda: {"record": record, "unit": unit, "done": message}, back_to=back_to,
                  message=message)


def _ended(kind: Listed, code: str, record_code: str):
    """End the record; htmx gets a row that says so in place of it (or the row with its refusal, 409)."""
    unit, record = _found(kind, code, record_code)
    done = kind.ended(record)  # said before the end, while the record still reads as it was
    back_to = url_for("admin.unit_leadership", code=unit.code)
    try:
        kind.end(current_user, record)
    except AdminRefusal as error:
        return _refused(kind, unit, record, error, f"{back_to}#{kind.row_id.format(record.id)}")
    return answer(PAGE, "admin/_ended_row.html", lambda: {"done": done, "columns": kind.columns}, back_to=back_to,
                  message=done)


def _found(kind: Listed, code: str, record_code: str):
    unit = unit_service.unit_by_code(code) or abort(404)
    return unit, kind.find(unit, record_code) or abort(404)


def _refused(kind: Listed, unit, record, error: AdminRefusal, back_to: str):
    reason = str(error)
    return answer(PAGE, kind.row, lambda: {"record": record, "unit": unit, "error": reason}, back_to=back_to,
                  message=reason, category="danger", http_status=409)


def _form(fields) -> dict:
    return {name: request.form.get(name, "").strip() for name in fields}


def _page(unit, http_status=200, **context):
    groups, types = leadership.groups_in_cycle()
    return render_page(PAGE, http_status=http_status, unit=unit, leadership=leadership.leadership_of(unit),
                       places=leadership.places_for(unit), headed=leadership.collectives_for(unit), groups=groups,
                       types=types, quota_groups=leadership.quota_groups_in_cycle(), **{"post_values": {}, "collective_values": {}, **context})


for _kind in (POST, COLLECTIVE):
    _record_routes(_kind)
