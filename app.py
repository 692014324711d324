"""The WSGI entry: `gunicorn app:app`, `flask --app app ...`."""
from staging import create_app

app = create_app()
