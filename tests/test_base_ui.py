import re
from pathlib import Path

from kdweb import create_app
from tests.conftest import KdwebClient, app_config

ROOT = Path(__file__).resolve().parent.parent


def test_htmx_2_and_css_are_vendored_and_used(client):
    page = client.get("/login").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert scripts == ["/static/vendor/htmx-2.0.11.min.js"]
    assert "/static/vendor/pico-2.1.1.min.css" in styles
    for path in scripts + styles:
        assert client.get(path).status_code == 200
    assert 'version:"2.0.11"' in (ROOT / "static/vendor/htmx-2.0.11.min.js").read_text().replace(" ", "")


def test_no_page_or_asset_loads_from_the_internet():
    external = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.I)
    for folder in ("templates", "static/css"):
        for path in (ROOT / folder).rglob("*.*"):
            assert not external.search(path.read_text()), path


def test_csrf_token_reaches_htmx_through_a_header(client):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[^"]+"\}'>""", page)


def test_htmx_config_keeps_history_restores_full_and_swaps_refusals():
    base = (ROOT / "templates/base.html").read_text()
    assert '"historyRestoreAsHxRequest": false' in base
    assert '(400|403|404|409|413|422|429)' in base


def error_app(tmp_path, **extra):
    app = create_app(app_config(f"sqlite:///{tmp_path}/e.sqlite", **extra))
    app.test_client_class = KdwebClient

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    return app


def test_500_page_is_vietnamese_and_says_nothing_was_lost(tmp_path):
    app = error_app(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Dữ liệu bạn gửi không bị mất" in response.get_data(as_text=True)


def test_413_page_names_the_limit(tmp_path):
    app = error_app(tmp_path, MAX_CONTENT_LENGTH=1024 * 1024, WTF_CSRF_ENABLED=False)
    response = app.test_client().post("/login", data={"login": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "vượt quá giới hạn 1 MB" in response.get_data(as_text=True)


def test_responses_vary_on_hx_request(client, auth):
    auth.login_as("reviewer")
    assert "HX-Request" in client.get("/units/").headers.get("Vary", "")
