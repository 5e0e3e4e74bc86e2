from kdweb.extensions import db
from kdweb.models import LoginFailure

BLOCKED = "Đăng nhập sai quá nhiều lần"


def test_five_failures_block_the_account_even_with_the_right_password(client, auth):
    for _ in range(5):
        assert auth.login("admin", "sai-mat-khau").status_code == 401
    blocked = auth.login("admin")
    assert blocked.status_code == 429 and BLOCKED in blocked.get_data(as_text=True)


def test_a_missing_account_is_blocked_the_same_way(client, auth):
    for _ in range(5):
        auth.login("khong-ton-tai", "x")
    missing = auth.login("khong-ton-tai", "x")
    for _ in range(5):
        auth.login("admin", "x")
    existing = auth.login("admin", "x")
    assert missing.status_code == existing.status_code == 429
    import re

    strip = lambda r: re.sub(r"[A-Za-z0-9_.-]{40,}", "CSRF",  # noqa: E731  (the tokens differ by time)
                             r.get_data(as_text=True).replace("khong-ton-tai", "admin"))
    assert strip(missing) == strip(existing)


def test_too_many_failures_from_one_address_block_every_account(client, auth, app):
    app.config["KDWEB_LOGIN_MAX_PER_ADDRESS"] = 8
    try:
        for number in range(8):
            auth.login(f"thu-{number}", "x")
        assert auth.login("bantochuc").status_code == 429
    finally:
        app.config["KDWEB_LOGIN_MAX_PER_ADDRESS"] = 20


def test_a_success_clears_the_account_failures(client, auth, app):
    for _ in range(4):
        auth.login("admin", "x")
    assert auth.login("admin").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LoginFailure.id)).filter_by(login="admin")) == 0


def test_the_window_passes(client, auth, app):
    for _ in range(5):
        auth.login("admin", "x")
    app.config["KDWEB_LOGIN_WINDOW_MINUTES"] = 0
    try:
        assert auth.login("admin").status_code == 302
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
        assert db.session.execute(db.select(LoginFailure.remote_addr)).scalar_one() == "203.0.113.9"
