"""The app factory: config, extensions, blueprints, commands, headers — nothing else."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kdweb.config import Config, check_production_secret, normalise_database_url
from kdweb.extensions import csrf, db, htmx, login_manager, migrate
from kdweb.security import register_security_headers

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    app = Flask(
        "kdweb",
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=True,
    )
    load_config(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_security_headers(app)
    trust_proxies(app)
    return app


def trust_proxies(app):
    """Behind nginx, the client's address and scheme come from the proxy's headers (login throttle, audit)."""
    count = app.config.get("KDWEB_PROXY_COUNT", 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def load_config(app, config):
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    check_production_secret(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "kdweb.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)


def register_extensions(app):
    from kdweb import models, queue  # noqa: F401  (the models must be known to SQLAlchemy and Alembic)
    from kdweb.services import checks_store
    from kdweb.sqlite import enable_sqlite_pragmas

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    queue.init_app(app)
    checks_store.init_app(app)
    with app.app_context():
        enable_sqlite_pragmas(db.engine)


def register_blueprints(app):
    from kdweb.views import register_views

    register_views(app)


def register_commands(app):
    from kdweb.cli import register_cli

    register_cli(app)
