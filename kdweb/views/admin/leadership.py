"""A unit's leader posts and leadership collectives in the open cycle: give a post to another member, rename a
collective, add one, end one (kdweb/services/admin/leadership.py)."""
from flask import abort, request, url_for
from flask_login import current_user

from kdweb.services.admin import AdminRefusal, leadership, units as unit_service
from kdweb.views.admin import bp
from kdweb.views.rendering import answer, redirect_with, render_page

PAGE = "admin/unit_leadership.html"
POST_FIELDS = ("code", "title", "group", "member_code", "heads_unit_id", "heads_collective_id")
COLLECTIVE_FIELDS = ("code", "name", "collective_type", "leads_unit_id", "founded_on")


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


@bp.post("/units/<code>/leadership/posts/<post_code>/end")
def end_post(code, post_code):
    unit = unit_service.unit_by_code(code) or abort(404)
    post = leadership.post_in(unit, post_code) or abort(404)
    title = post.title
    return _ended(unit, lambda: leadership.end_post(current_user, post), "admin/_leader_post_row.html",
                  lambda: {"post": post}, f"Đã bỏ chức vụ “{title}” khỏi đợt này.", anchor=f"post-{post.id}",
                  columns=4)


@bp.post("/units/<code>/leadership/collectives/<collective_code>/end")
def end_collective(code, collective_code):
    unit = unit_service.unit_by_code(code) or abort(404)
    collective = leadership.collective_in(unit, collective_code) or abort(404)
    name = collective.name
    return _ended(unit, lambda: leadership.end_collective(current_user, collective), "admin/_collective_row.html",
                  lambda: {"record": collective}, f"Đã bỏ tập thể lãnh đạo “{name}” khỏi đợt này.",
                  anchor=f"collective-{collective.id}", columns=3)


@bp.post("/units/<code>/leadership/posts/<post_code>")
def change_post_holder(code, post_code):
    unit = unit_service.unit_by_code(code) or abort(404)
    post = leadership.post_in(unit, post_code) or abort(404)
    return _changed(unit, "admin/_leader_post_row.html", lambda: {"post": post},
                    lambda: leadership.change_holder(current_user, post, request.form.get("member_code", "")),
                    lambda: f"Đã giao chức vụ “{post.title}” cho {post.person.full_name} ({post.person.code}).",
                    anchor=f"post-{post.id}")


@bp.post("/units/<code>/leadership/collectives/<collective_code>")
def rename_collective(code, collective_code):
    unit = unit_service.unit_by_code(code) or abort(404)
    collective = leadership.collective_in(unit, collective_code) or abort(404)
    return _changed(unit, "admin/_collective_row.html", lambda: {"record": collective},
                    lambda: leadership.rename_collective(current_user, collective, request.form.get("name", "")),
                    lambda: f"Đã đổi tên tập thể lãnh đạo thành “{collective.name}”.",
                    anchor=f"collective-{collective.id}")


def _changed(unit, row: str, context, change, done, *, anchor: str):
    """Run the change; htmx gets the row back (its refusal in it, 409, or what was done), a plain post a flash."""
    back_to = url_for("admin.unit_leadership", code=unit.code, _anchor=anchor)
    try:
        change()
    except AdminRefusal as error:
        reason = str(error)
        return answer(PAGE, row, lambda: {**context(), "unit": unit, "error": reason}, back_to=back_to,
                      message=reason, category="danger", http_status=409)
    message = done()
    return answer(PAGE, row, lambda: {**context(), "unit": unit, "done": message}, back_to=back_to, message=message)


def _ended(unit, end, row: str, context, done: str, *, anchor: str, columns: int):
    """End a post or collective; htmx gets a row that says so in place of it (or the row with its refusal, 409)."""
    back_to = url_for("admin.unit_leadership", code=unit.code)
    try:
        end()
    except AdminRefusal as error:
        reason = str(error)
        return answer(PAGE, row, lambda: {**context(), "unit": unit, "error": reason},
                      back_to=f"{back_to}#{anchor}", message=reason, category="danger", http_status=409)
    return answer(PAGE, "admin/_ended_row.html", lambda: {"done": done, "columns": columns}, back_to=back_to, message=done)


def _form(fields) -> dict:
    return {name: request.form.get(name, "").strip() for name in fields}


def _page(unit, http_status=200, **context):
    groups, types = leadership.groups_in_cycle()
    return render_page(PAGE, http_status=http_status, unit=unit, leadership=leadership.leadership_of(unit),
                       places=leadership.places_for(unit), headed=leadership.collectives_for(unit), groups=groups,
                       types=types, **{"post_values": {}, "collective_values": {}, **context})
