from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from kdweb.email_address import EmailRefused
from kdweb.extensions import login_manager
from kdweb.models.base import utcnow
from kdweb.services import login as login_service, sessions
from kdweb.services.notifications import mail_configured
from kdweb.views import local_time
from kdweb.views.rendering import redirect_with

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str):
    """Checked on every request: a cookie issued before the user's last logout or password change is refused."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit() or len(user_id) > 12:
        return None
    return login_service.session_user(int(user_id), version)


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return render_template("auth/login.html", next=sessions.safe_next(request.args.get("next")))


@bp.post("/login")
def login_post():
    login_name = request.form.get("login", "").strip()
    address = request.remote_addr or "unknown"
    next_path = sessions.safe_next(request.args.get("next"))
    attempt = login_service.log_in(login_name, request.form.get("password", ""), address)
    if attempt.outcome == login_service.BLOCKED:
        retry_at = attempt.retry_at
        seconds = max(1, int((retry_at - utcnow()).total_seconds()) + 1)
        flash(f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {wait_text(seconds)} (từ "
              f"{local_time(retry_at, '%H:%M:%S')}), hoặc liên hệ quản trị để được cấp lại mật khẩu.", "danger")
        page = render_template("auth/login.html", login=login_name, next=next_path)
        return page, 429, {"Retry-After": str(seconds)}
    if attempt.outcome == login_service.WRONG:
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "danger")
        return render_template("auth/login.html", login=login_name, next=next_path), 401
    session.clear()  # a new session, and with it a new CSRF secret: nothing from before the login carries over
    session.permanent = True  # expires after KDWEB_IDLE_MINUTES without a request
    login_user(attempt.user)
    return redirect(next_path or url_for("home.index"))


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} giây"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} phút" + (f" {rest} giây" if rest else "")


@bp.post("/logout")
@login_required
def logout():
    login_service.log_out(current_user.id)  # every copy of this user's cookies stops working
    logout_user()
    session.clear()
    return redirect_with("Bạn đã đăng xuất.", url_for("auth.login"), "info")


@bp.get("/password")  # the page's earlier address
@bp.get("/account")
@login_required
def account():
    return account_page()


def account_page(http_status=200, **context):
    """The user's own account: the e-mail address notifications go to, and the password."""
    context.setdefault("email", current_user.email or "")
    return render_template("auth/account.html", mail_on=mail_configured(), **context), http_status


@bp.post("/account/email")
@login_required
def email_post():
    email = request.form.get("email", "")
    try:
        user = login_service.change_email(current_user.id, email)
    except EmailRefused as refused:
        return account_page(422, email=email, email_error=refused.message)
    return redirect_with(f"Đã lưu e-mail nhận thông báo: {user.email}." if user.email
                         else "Đã xóa e-mail: thông báo chỉ còn hiện trong mục Thông báo.", url_for("auth.account"))


@bp.post("/password")
@login_required
def password_post():
    form = request.form
    try:
        user = login_service.change_password(current_user.id, form.get("current", ""), form.get("new", ""),
                                             form.get("again", ""))
    except sessions.PasswordRefused as refused:
        return account_page(422, error=refused.message)
    session.clear()
    session.permanent = True
    login_user(user)  # this browser stays logged in with a fresh cookie; every other session has ended
    return redirect_with("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc.",
                         url_for("home.index"))
