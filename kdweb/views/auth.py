from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from kdweb.extensions import login_manager
from kdweb.services import login as login_service

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    return login_service.session_user(int(user_id), int(version))


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return render_template("auth/login.html")


@bp.post("/login")
def login_post():
    login_name = request.form.get("login", "").strip()
    attempt = login_service.log_in(login_name, request.form.get("password", ""), request.remote_addr or "unknown")
    if attempt.outcome == login_service.BLOCKED:
        flash("Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại, "
              "hoặc liên hệ quản trị để được cấp lại mật khẩu.", "danger")
        return render_template("auth/login.html", login=login_name), 429
    if attempt.outcome == login_service.WRONG:
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "danger")
        return render_template("auth/login.html", login=login_name), 401
    session.permanent = True  # expires after KDWEB_IDLE_MINUTES without a request
    login_user(attempt.user)
    return redirect(safe_next(request.args.get("next")) or url_for("home.index"))


@bp.post("/logout")
@login_required
def logout():
    login_service.log_out(current_user)
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never send a user to another host after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
