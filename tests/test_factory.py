import pytest

from kdweb import create_app
from kdweb.config import InsecureSecretError, normalise_database_url


def test_default_database_is_sqlite_in_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("kdweb.sqlite")
    assert app.instance_path in app.config["SQLALCHEMY_DATABASE_URI"]


def test_database_url_from_environment_gets_psycopg_driver(monkeypatch):
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_production_refuses_development_secret():
    with pytest.raises(InsecureSecretError):
        create_app({"KDWEB_ENV": "production", "SECRET_KEY": "dev-only-not-secret"})


def test_production_refuses_short_secret():
    with pytest.raises(InsecureSecretError):
        create_app({"KDWEB_ENV": "production", "SECRET_KEY": "short"})


def test_production_starts_with_real_secret(tmp_path):
    app = create_app({"KDWEB_ENV": "production", "SECRET_KEY": "r" * 48,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite"})
    assert app.config["KDWEB_ENV"] == "production"


def test_upload_limit_from_environment(monkeypatch):
    import importlib

    import kdweb.config

    monkeypatch.setenv("KDWEB_MAX_UPLOAD_MB", "7")
    try:
        importlib.reload(kdweb.config)
        assert kdweb.config.Config.MAX_CONTENT_LENGTH == 7 * 1024 * 1024
    finally:
        monkeypatch.delenv("KDWEB_MAX_UPLOAD_MB")
        importlib.reload(kdweb.config)


def test_wsgi_exposes_app(monkeypatch, tmp_path):
    import importlib

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/w.sqlite")
    import wsgi

    importlib.reload(wsgi)
    assert wsgi.app.name == "kdweb"


def test_extensions_registered(app):
    for name in ("sqlalchemy", "migrate", "csrf", "htmx"):
        assert name in app.extensions
    assert app.login_manager is not None
