"""Logging in and out as use cases: the password check, the throttle, the audit trail, each committed here."""
from dataclasses import dataclass

from kdweb.extensions import db
from kdweb.models import User
from kdweb.models.base import utcnow
from kdweb.services import audit, login_throttle
from kdweb.services.transaction import use_case

BLOCKED, WRONG, OK = "blocked", "wrong", "ok"


@dataclass(frozen=True)
class LoginAttempt:
    outcome: str  # BLOCKED, WRONG or OK
    user: User | None = None


@use_case
def log_in(login_name: str, password: str, address: str) -> LoginAttempt:
    """Check the password unless the account or the address is throttled; a failure is counted, a success clears
    the account's failures and is audited. The caller starts the session only for OK."""
    if login_throttle.is_blocked(login_name, address):
        return LoginAttempt(BLOCKED)
    user = db.session.execute(db.select(User).filter_by(login=login_name)).scalar_one_or_none()
    if user is None or not user.active or not user.check_password(password):
        login_throttle.record_failure(login_name, address)
        return LoginAttempt(WRONG)
    login_throttle.clear(login_name)
    user.last_login_at = utcnow()
    audit.record("login", user=user, unit=user.unit)
    return LoginAttempt(OK, user)


@use_case
def log_out(user: User) -> None:
    audit.record("logout", user=user, unit=user.unit)


def session_user(user_id: int, session_version: int) -> User | None:
    """The user a session cookie names, while the cookie's session version is still the user's."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.session_version == session_version else None
