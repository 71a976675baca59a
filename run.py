"""WSGI entry point: ``gunicorn run:app`` or ``flask --app run …``. Starts nothing at import."""

from app import create_app

app = create_app()
