"""Logging in and out: the password checked in the same time whether the account exists or not, and every
earlier session cookie of a user ended by logging out or changing the password (User.session_version)."""
from urllib.parse import unquote, urlsplit

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from kdweb.control_chars import ALL_CONTROLS
from kdweb.extensions import db
from kdweb.models import User
from kdweb.services import audit
from kdweb.services.admin.accounts import MIN_PASSWORD_LENGTH


class PasswordRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def authenticate(login: str, password: str) -> User | None:
    """The active account with this login and password; one password hash is checked in every case, so the
    answer takes as long for a name that does not exist."""
    user = db.session.execute(db.select(User).filter_by(login=login.strip().lower())).scalar_one_or_none() \
        if login.strip() else None
    if user is None:
        check_password_hash(dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def dummy_hash() -> str:
    """A hash made the same way as real ones (same method and cost), made once per app."""
    cached = current_app.extensions.get("kdweb_dummy_hash")
    if cached is None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        cached = current_app.extensions["kdweb_dummy_hash"] = generate_password_hash("không-phải-mật-khẩu", method)
    return cached


def end_sessions(user: User) -> None:
    """Every session cookie issued to the user so far stops working on its next request."""
    user.session_version += 1


def change_password(user: User, current: str, new: str, again: str) -> None:
    if not user.check_password(current):
        raise PasswordRefused("Mật khẩu hiện tại không đúng.")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(f"Mật khẩu mới phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if new != again:
        raise PasswordRefused("Hai lần nhập mật khẩu mới không khớp.")
    if new == current:
        raise PasswordRefused("Mật khẩu mới phải khác mật khẩu hiện tại.")
    user.set_password(new)
    end_sessions(user)
    audit.record("password_changed", user=user, unit=user.unit, target=user, login=user.login)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no backslash, no control character (a browser drops a
    tab or a newline from a URL, so "/\\t/host" would become "//host"), whether written plainly or
    percent-encoded once more."""
    if not target or any(ch.isspace() for ch in target):
        return None
    for form in (target, unquote(target)):
        if not form.startswith("/") or form.startswith("//") or "\\" in form or ALL_CONTROLS.search(form):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return target
