"""Password guessing is slowed per account and address, with growing delays the person is told about; a guesser
elsewhere cannot lock an account for its owner; concurrent guesses cannot slip past the count (PostgreSQL)."""
import re
from datetime import timedelta

import pytest

from kdweb.extensions import db
from kdweb.models import LoginThrottle
from kdweb.models.base import utcnow

BLOCKED = "Đăng nhập sai quá nhiều lần"


def login_from(client, address, login, password):
    return client.post("/login", data={"login": login, "password": password},
                       environ_overrides={"REMOTE_ADDR": address})


def test_five_failures_block_the_account_even_with_the_right_password(client, auth):
    for _ in range(5):
        assert auth.login("admin", "sai-mat-khau").status_code == 401
    blocked = auth.login("admin")
    page = blocked.get_data(as_text=True)
    assert blocked.status_code == 429 and BLOCKED in page
    assert re.search(r"thử lại sau (30|29) giây \(từ \d\d:\d\d:\d\d\)", page), page
    assert int(blocked.headers["Retry-After"]) in (29, 30, 31)


def test_a_guesser_elsewhere_does_not_lock_the_owner_out(app, demo):
    # fresh clients only: pytest-flask's `client` keeps its last request's context pushed, which another client
    # in the same thread would then share
    owner, guesser = next(u for u in demo.users if u.login == "admin"), app.test_client()
    for _ in range(12):
        login_from(guesser, "198.51.100.7", "admin", "doan-mo")
    assert login_from(guesser, "198.51.100.7", "admin", owner.password).status_code == 429
    assert login_from(app.test_client(), "192.0.2.10", "admin", owner.password).status_code == 302


def test_the_delay_grows_after_each_further_failure(app, client, auth):
    waits = []
    for _ in range(4):
        auth.login("admin", "x")
    for _ in range(4):
        assert auth.login("admin", "x").status_code == 401  # the fifth failure, then one try after each lock
        with app.app_context():
            row = db.session.execute(db.select(LoginThrottle).filter(LoginThrottle.bucket.like("account:%"))
                                     ).scalar_one()
            waits.append(round((row.locked_until - row.updated_at).total_seconds()))
            row.locked_until = utcnow() - timedelta(seconds=1)  # the wait has passed
            db.session.commit()
    assert waits == [30, 60, 120, 240]


def test_a_missing_account_is_blocked_the_same_way(client, auth):
    for _ in range(5):
        auth.login("khong-ton-tai", "x")
    missing = auth.login("khong-ton-tai", "x")
    for _ in range(5):
        auth.login("admin", "x")
    existing = auth.login("admin", "x")
    assert missing.status_code == existing.status_code == 429

    def strip(response):
        text = response.get_data(as_text=True).replace("khong-ton-tai", "admin")
        text = re.sub(r"\d\d:\d\d:\d\d|\d+ giây", "TIME", text)
        return re.sub(r"[A-Za-z0-9_.-]{40,}", "CSRF", text)  # the tokens differ by time
    assert strip(missing) == strip(existing)


def test_too_many_failures_from_one_address_slow_every_account_from_it(app, demo):
    app.config["KDWEB_LOGIN_MAX_PER_ADDRESS"] = 8
    sprayer = app.test_client()
    try:
        for number in range(8):
            login_from(sprayer, "127.0.0.1", f"thu-{number}", "x")
        assert login_from(sprayer, "127.0.0.1", "bantochuc", "x").status_code == 429
        assert login_from(app.test_client(), "192.0.2.99", "bantochuc", "x").status_code == 401
    finally:
        app.config["KDWEB_LOGIN_MAX_PER_ADDRESS"] = 20


def test_successful_logins_from_one_address_never_lock_it(client, auth, app, demo):
    app.config["KDWEB_LOGIN_MAX_PER_ADDRESS"] = 3
    try:
        for _ in range(6):
            assert auth.login("admin").status_code == 302
            auth.logout()
    finally:
        app.config["KDWEB_LOGIN_MAX_PER_ADDRESS"] = 20


def test_a_success_clears_the_account_failures(client, auth, app):
    for _ in range(4):
        auth.login("admin", "x")
    assert auth.login("admin").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LoginThrottle.id))
                                 .filter(LoginThrottle.bucket.like("account:admin|%"))) == 0


def test_the_window_passes(client, auth, app):
    for _ in range(4):
        auth.login("admin", "x")
    app.config["KDWEB_LOGIN_WINDOW_MINUTES"] = 0
    try:
        assert auth.login("admin", "x").status_code == 401  # counted as the first of a new window
        with app.app_context():
            row = db.session.execute(db.select(LoginThrottle).filter(LoginThrottle.bucket.like("account:%"))
                                     ).scalar_one()
            assert row.failures == 1 and row.locked_until is None
    finally:
        app.config["KDWEB_LOGIN_WINDOW_MINUTES"] = 15


def test_behind_a_trusted_proxy_the_client_address_is_counted(tmp_path):
    from kdweb import create_app
    from tests.conftest import KdwebClient, app_config

    app = create_app(app_config(f"sqlite:///{tmp_path}/p.sqlite", KDWEB_PROXY_COUNT=1))
    app.test_client_class = KdwebClient
    with app.app_context():
        db.create_all()
    client = app.test_client()
    client.post("/login", data={"login": "x", "password": "y"}, headers={"X-Forwarded-For": "203.0.113.9"})
    with app.app_context():
        buckets = set(db.session.execute(db.select(LoginThrottle.bucket)).scalars())
    assert buckets == {"account:x|203.0.113.9", "address:203.0.113.9"}


@pytest.mark.postgres  # row locks under real concurrency
def test_concurrent_wrong_guesses_cannot_pass_the_count(app, demo):
    from tests.security.test_concurrency import run_together

    clients = [app.test_client() for _ in range(12)]
    tokens = [c.csrf_token() for c in clients]
    answers = run_together([
        lambda c=c, t=t: c.post("/login", data={"login": "admin", "password": "doan-mo"}, headers={"X-CSRFToken": t})
        for c, t in zip(clients, tokens)])
    codes = sorted(a.status_code for a in answers)
    assert codes == [401] * 5 + [429] * 7, codes
    with app.app_context():
        row = db.session.execute(db.select(LoginThrottle).filter(LoginThrottle.bucket.like("account:%"))).scalar_one()
        assert row.failures == 5 and row.locked_until is not None
