"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from kdweb import create_app

app = create_app()
