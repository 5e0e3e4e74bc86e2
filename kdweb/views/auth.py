from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from kdweb.extensions import db, login_manager
from kdweb.models import User
from kdweb.models.base import utcnow
from kdweb.services import audit, login_throttle

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
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return render_template("auth/login.html")


@bp.post("/login")
def login_post():
    login_name = request.form.get("login", "").strip()
    address = request.remote_addr or "unknown"
    if login_throttle.is_blocked(login_name, address):
        flash("Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại, "
              "hoặc liên hệ quản trị để được cấp lại mật khẩu.", "danger")
        return render_template("auth/login.html", login=login_name), 429
    user = db.session.execute(db.select(User).filter_by(login=login_name)).scalar_one_or_none()
    if user is None or not user.active or not user.check_password(request.form.get("password", "")):
        login_throttle.record_failure(login_name, address)
        db.session.commit()
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "danger")
        return render_template("auth/login.html", login=login_name), 401
    login_throttle.clear(login_name)
    session.permanent = True  # expires after KDWEB_IDLE_MINUTES without a request
    login_user(user)
    user.last_login_at = utcnow()
    audit.record("login", user=user, unit=user.unit)
    db.session.commit()
    return redirect(safe_next(request.args.get("next")) or url_for("home.index"))


@bp.post("/logout")
@login_required
def logout():
    audit.record("logout", user=current_user, unit=current_user.unit)
    db.session.commit()
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never send a user to another host after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
