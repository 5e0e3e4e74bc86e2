"""Administration (admin role only): the unit tree, accounts, the yearly cycle, the roster import, the superior."""
from flask import Blueprint, abort
from flask_login import current_user

from kdweb.extensions import login_manager
from kdweb.rules.dates import dmy
from kdweb.services.admin import AdminRefusal
from kdweb.views.rendering import answer, redirect_with

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    """Every admin endpoint, present and future, is refused to anyone but an admin."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin":
        abort(403)
    return None


@bp.context_processor
def admin_helpers():
    return {"dmy": dmy}


def refusal_text(error) -> str:
    """A refused use case's message (the use case has rolled back what it had begun: services/transaction.py)."""
    return str(error)


def refused(error, back_to: str):
    """A refusal without htmx: say why at the top of the page the admin came from."""
    return redirect_with(refusal_text(error), back_to, "danger")


def switch_routes(rule: str, name: str, switch) -> None:
    """POST `rule`/deactivate and `rule`/activate, the endpoints deactivate_`name` and activate_`name`, both
    answered by switch(<the rule's arguments>, active=False or True)."""
    for verb, active in (("deactivate", False), ("activate", True)):
        bp.add_url_rule(f"{rule}/{verb}", view_func=_switching(switch, active, f"{verb}_{name}"), methods=["POST"])


def _switching(switch, active: bool, endpoint: str):
    def view(**arguments):
        return switch(**arguments, active=active)

    view.__name__ = endpoint  # the endpoint's name, and what Flask-WTF's exemptions look up
    return view


def row_action(action, record, *, done: str, page: str, row: str, context, back_to: str, refused_to: str = "",
               warning=None):
    """A button on one row of an admin table: run `action`, then swap the row in place for htmx (its refusal shown
    in the row, 409), or flash and go back to `back_to` (`refused_to` on a refusal). `context()` gives the row
    template's context, read after the action or its rollback. `warning()`, read after the action, is what is
    left to do, if anything: shown in the row, or flashed after `done` in a warning tone."""
    try:
        action(current_user, record)
    except AdminRefusal as error:
        reason = str(error)
        return answer(page, row, lambda: {**context(), "error": reason}, back_to=refused_to or back_to,
                      message=reason, category="danger", http_status=409)
    note = warning() if warning is not None else None
    if note:
        return answer(page, row, lambda: {**context(), "warning": note}, back_to=back_to, message=f"{done} {note}",
                      category="warning")
    return answer(page, row, context, back_to=back_to, message=done)


from kdweb.views.admin import accounts, cycles, home, leadership, roster, superior, units  # noqa: E402,F401  (their routes join bp)
