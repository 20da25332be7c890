"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

from stratflow import create_app

app = create_app()
