from flask import request, url_for
from flask_login import current_user, login_user

from kdweb.extensions import db
from kdweb.models import Role, User
from kdweb.services.admin import AdminRefusal, accounts as account_service
from kdweb.services.admin.accounts import MIN_PASSWORD_LENGTH
from kdweb.services.admin.units import unit_tree
from kdweb.views.admin import bp, refusal_text, row_action, switch_routes
from kdweb.views.rendering import redirect_with, render_page


@bp.get("/accounts")
def accounts():
    search = request.args.get("q", "")
    return render_page("admin/accounts.html", "admin/_account_rows.html",
                       users=account_service.accounts(search), search=search)


@bp.get("/accounts/new")
def new_account():
    return _new_form({"role": "staff", "unit_id": request.args.get("unit_id", "")})


@bp.post("/accounts/new")
def create_account():
    form = request.form
    values = {name: form.get(name, "").strip() for name in ("login", "full_name", "role", "unit_id", "email")}
    if form.get("password", "") != form.get("password_again", ""):
        return _new_form(values, "Hai lần nhập mật khẩu không khớp.", 422)
    try:
        user = account_service.create_account(current_user, password=form.get("password", ""), **values)
    except AdminRefusal as error:
        return _new_form(values, refusal_text(error), 422)
    return redirect_with(f"Đã tạo tài khoản “{user.login}”.", url_for("admin.accounts"))


@bp.get("/accounts/<int:user_id>")
def edit_account(user_id):
    user = db.get_or_404(User, user_id)
    return _edit_form(user, _profile(user))


@bp.post("/accounts/<int:user_id>")
def update_account(user_id):
    user = db.get_or_404(User, user_id)
    values = {name: request.form.get(name, "").strip() for name in ("full_name", "role", "unit_id")}
    values["email"] = request.form.get("email")  # absent: the address stays as it is
    try:
        account_service.update_account(current_user, user, **values)
    except AdminRefusal as error:
        return _edit_form(user, values, refusal_text(error), 422)
    return redirect_with(f"Đã lưu tài khoản “{user.login}”.", url_for("admin.edit_account", user_id=user.id))


@bp.post("/accounts/<int:user_id>/password")
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    profile = _profile(user)
    password = request.form.get("password", "")
    if password != request.form.get("password_again", ""):
        return _edit_form(user, profile, "Hai lần nhập mật khẩu không khớp.", 422)
    try:
        account_service.reset_password(current_user, user, password)
    except AdminRefusal as error:
        return _edit_form(user, profile, refusal_text(error), 422)
    if user.id == current_user.id:
        login_user(user)  # the admin's own sessions elsewhere end; this one carries on with the new version
    return redirect_with(f"Đã đặt lại mật khẩu của “{user.login}”; mọi phiên đăng nhập của tài khoản này đã kết thúc.",
                         url_for("admin.edit_account", user_id=user.id))


def switch_account(user_id, active):
    user = db.get_or_404(User, user_id)
    action, done = ((account_service.activate_account, "Đã mở khóa tài khoản “{}”.") if active
                    else (account_service.deactivate_account, "Đã khóa tài khoản “{}”."))
    return row_action(action, user, done=done.format(user.login), page="admin/accounts.html",
                      row="admin/_account_row.html", context=lambda: {"user": user}, back_to=_back_to(user),
                      refused_to=request.referrer or url_for("admin.accounts"))


switch_routes("/accounts/<int:user_id>", "account", switch_account)


def _back_to(user):
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url) and f"/admin/accounts/{user.id}" in referrer:
        return url_for("admin.edit_account", user_id=user.id)
    return url_for("admin.accounts")


def _profile(user):
    return {"full_name": user.full_name, "role": user.role, "unit_id": user.unit_id or "", "email": user.email or ""}


def _scope_choices():
    return [row for row in unit_tree() if row.unit.active]


def _new_form(values, error=None, http_status=200):
    return render_page("admin/account_new.html", http_status=http_status, values=values, error=error,
                       roles=list(Role), units=_scope_choices(), min_length=MIN_PASSWORD_LENGTH)


def _edit_form(user, values, error=None, http_status=200):
    units = [row for row in unit_tree() if row.unit.active or row.unit.id == user.unit_id]
    return render_page("admin/account_edit.html", http_status=http_status, user=user, values=values, error=error,
                       roles=list(Role), units=units, min_length=MIN_PASSWORD_LENGTH)
