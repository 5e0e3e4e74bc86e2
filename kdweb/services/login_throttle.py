"""Slow down password guessing: too many failures for one account, or from one address, in a window."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func

from kdweb.extensions import db
from kdweb.models import LoginFailure
from kdweb.models.base import utcnow


def window() -> timedelta:
    return timedelta(minutes=current_app.config.get("KDWEB_LOGIN_WINDOW_MINUTES", 15))


def is_blocked(login: str, remote_addr: str) -> bool:
    since = utcnow() - window()
    by_login = db.session.scalar(db.select(func.count(LoginFailure.id)).where(
        LoginFailure.login == login.lower(), LoginFailure.at >= since))
    by_addr = db.session.scalar(db.select(func.count(LoginFailure.id)).where(
        LoginFailure.remote_addr == remote_addr, LoginFailure.at >= since))
    return (by_login >= current_app.config.get("KDWEB_LOGIN_MAX_PER_ACCOUNT", 5)
            or by_addr >= current_app.config.get("KDWEB_LOGIN_MAX_PER_ADDRESS", 20))


def record_failure(login: str, remote_addr: str) -> None:
    db.session.add(LoginFailure(login=login.lower()[:80], remote_addr=remote_addr[:64]))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - 4 * window()))


def clear(login: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.login == login.lower()))
