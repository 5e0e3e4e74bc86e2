"""Slow down password guessing without letting anyone lock another person out.

Failures are counted per bucket: one account from one client address (a few free tries), and one address
across all accounts (more free tries; the guard against trying one password on many accounts). Past its free
tries, each failure locks the bucket for twice as long as the one before (30 s, 1 min, 2 min, … at most
15 min), and the person is told until when. A guesser elsewhere never locks an account for its owner.

An attempt is counted *before* its password is checked, while the bucket's row is locked (an upsert takes the
row lock on PostgreSQL and the write lock on SQLite), so concurrent guesses cannot slip past the count.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kdweb.extensions import db
from kdweb.models import LoginThrottle
from kdweb.models.base import utcnow

MAX_DELAY = timedelta(minutes=15)


@dataclass(frozen=True)
class Bucket:
    key: str
    free_tries: int


def buckets(login: str, remote_addr: str) -> list[Bucket]:
    """Always in this order, so two requests lock their rows in the same order (no deadlock)."""
    config = current_app.config
    found = [Bucket(f"account:{login.strip().lower()[:80]}|{remote_addr[:64]}",
                    config.get("KDWEB_LOGIN_MAX_PER_ACCOUNT", 5))]
    if config.get("KDWEB_LOGIN_MAX_PER_ADDRESS", 20):
        found.append(Bucket(f"address:{remote_addr[:64]}", config["KDWEB_LOGIN_MAX_PER_ADDRESS"]))
    return found


def reserve(login: str, remote_addr: str) -> datetime | None:
    """Count this attempt as a failure until it succeeds. Returns None when the password may be checked, or the
    time from which to try again (the attempt is then refused and not counted). Commits."""
    now = utcnow()
    chosen = buckets(login, remote_addr)
    rows = [lock_row(bucket.key, now) for bucket in chosen]
    locked = [row.locked_until for row in rows if row.locked_until is not None and row.locked_until > now]
    if locked:
        db.session.commit()
        return max(locked)
    for bucket, row in zip(chosen, rows):
        failures = 1 if is_stale(row, now) else row.failures + 1
        db.session.execute(update(LoginThrottle).where(LoginThrottle.bucket == bucket.key).values(
            failures=failures, updated_at=now, locked_until=lock_time(failures, bucket.free_tries, now)))
    db.session.commit()
    forget_old(now)  # in its own transaction, holding no bucket lock
    db.session.commit()
    return None


def succeeded(login: str, remote_addr: str) -> None:
    """The password was right: that account's bucket is cleared, and the attempt no longer counts for the address."""
    account, *others = buckets(login, remote_addr)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.bucket == account.key))
    for bucket in others:
        db.session.execute(update(LoginThrottle).where(LoginThrottle.bucket == bucket.key, LoginThrottle.failures > 0)
                           .values(failures=LoginThrottle.failures - 1,
                                   locked_until=case((LoginThrottle.failures - 1 < bucket.free_tries, None),
                                                     else_=LoginThrottle.locked_until)))


def lock_row(key: str, now: datetime):
    """Create the bucket's row if needed and lock it for this transaction; returns its current values."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(LoginThrottle).values(bucket=key, failures=0, updated_at=now)
    statement = statement.on_conflict_do_update(index_elements=["bucket"], set_={"bucket": statement.excluded.bucket})
    return db.session.execute(statement.returning(
        LoginThrottle.failures, LoginThrottle.locked_until, LoginThrottle.updated_at)).one()


def is_stale(row, now: datetime) -> bool:
    """No failure for a whole window: the count starts again."""
    return row.updated_at is not None and row.updated_at < now - window()


def lock_time(failures: int, free_tries: int, now: datetime) -> datetime | None:
    if failures < free_tries:
        return None
    first = timedelta(seconds=current_app.config.get("KDWEB_LOGIN_FIRST_DELAY_SECONDS", 30))
    return now + min(MAX_DELAY, first * 2 ** min(failures - free_tries, 16))


def window() -> timedelta:
    return timedelta(minutes=current_app.config.get("KDWEB_LOGIN_WINDOW_MINUTES", 15))


def forget_old(now: datetime) -> None:
    db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.updated_at < now - timedelta(days=1),
        (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now)))
