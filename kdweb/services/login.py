"""Logging in, out and changing one's password or e-mail address as use cases: the throttle, the password check (services/sessions.py),
the audit trail, each committed here; the view only starts or ends the browser's session."""
from dataclasses import dataclass
from datetime import datetime

from kdweb.email_address import checked_email
from kdweb.extensions import db
from kdweb.models import User
from kdweb.models.base import utcnow
from kdweb.services import audit, login_throttle, sessions
from kdweb.services.transaction import use_case

BLOCKED, WRONG, OK = "blocked", "wrong", "ok"


@dataclass(frozen=True)
class LoginAttempt:
    outcome: str  # BLOCKED, WRONG or OK
    user: User | None = None
    retry_at: datetime | None = None  # when BLOCKED: the moment from which to try again


@use_case
def log_in(login_name: str, password: str, address: str) -> LoginAttempt:
    """The attempt counts as a failure until the password is right (login_throttle.reserve commits that count on
    its own); a success clears the account's failures and is audited."""
    retry_at = login_throttle.reserve(login_name, address)
    if retry_at is not None:
        return LoginAttempt(BLOCKED, retry_at=retry_at)
    user = sessions.authenticate(login_name, password)
    if user is None:
        return LoginAttempt(WRONG)
    login_throttle.succeeded(login_name, address)
    user.last_login_at = utcnow()
    audit.record("login", user=user, unit=user.unit)
    return LoginAttempt(OK, user)


@use_case
def log_out(user_id: int) -> None:
    """Every copy of the user's session cookies stops working, not only this browser's."""
    user = db.session.get(User, user_id)
    sessions.end_sessions(user)
    audit.record("logout", user=user, unit=user.unit)


@use_case
def change_password(user_id: int, current: str, new: str, again: str) -> User:
    """sessions.PasswordRefused, rolled back, when the current password is wrong or the new one is refused."""
    user = db.session.get(User, user_id)
    sessions.change_password(user, current, new, again)
    return user


@use_case
def change_email(user_id: int, email: str) -> User:
    """The user's own notification address; email_address.EmailRefused, rolled back, when it is not one."""
    user = db.session.get(User, user_id)
    address = checked_email(email)
    if address != user.email:
        audit.record("email_changed", user=user, unit=user.unit, target=user, login=user.login,
                     changes={"email": [user.email, address]})
        user.email = address
    return user


def session_user(user_id: int, session_version: str) -> User | None:
    """The user a session cookie names, while the cookie's session version is still the user's."""
    user = db.session.get(User, user_id)
    return user if user is not None and str(user.session_version) == session_version else None
