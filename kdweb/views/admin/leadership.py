"""A unit's leader posts and leadership collectives in the open cycle: give a post to another member, rename a
collective (kdweb/services/admin/leadership.py)."""
from flask import abort, request, url_for
from flask_login import current_user

from kdweb.services.admin import AdminRefusal, leadership, units as unit_service
from kdweb.views.admin import bp
from kdweb.views.rendering import answer, render_page

PAGE = "admin/unit_leadership.html"


@bp.get("/units/<code>/leadership")
def unit_leadership(code):
    unit = unit_service.unit_by_code(code) or abort(404)
    return render_page(PAGE, unit=unit, leadership=leadership.leadership_of(unit))


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
