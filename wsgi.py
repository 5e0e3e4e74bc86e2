"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from kdweb import create_app, isolation

app = create_app()
# Each gunicorn worker imports this module after the fork: its own sandbox workers start now, not at the
# first upload (with --preload they start in the master and are left alone by the workers, which start theirs).
isolation.prestart(isolation.SandboxLimits.from_config(app.config))
