"""gunicorn settings for `make run` (HOST, PORT, WEB_CONCURRENCY, and CERT + KEY for HTTPS, from the
environment).

The master migrates and seeds once before forking workers, so workers never race on it."""
import os

from staging.web.people_first import LOCK_ENV, lock_file

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads beyond the integrations' connections to a worker keep a handheld from waiting for one:
# API requests beyond their turn wait on a thread (staging/web/people_first.py).
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
accesslog = "-"

# One lock file for all the workers: a person's request in any of them holds back the API's.
os.environ.setdefault(LOCK_ENV, lock_file())

# HTTPS when given a certificate and its key (PEM files, e.g. from `flask --app app make-certs`):
# the scan page's service worker (offline reload) runs only in a secure context.
if os.environ.get("CERT") or os.environ.get("KEY"):
    if not (os.environ.get("CERT") and os.environ.get("KEY")):
        raise SystemExit("HTTPS needs both CERT (the server certificate) and KEY (its private key).")
    certfile = os.environ["CERT"]
    keyfile = os.environ["KEY"]


def on_starting(server):
    from staging import create_app
    from staging.first_start import prepare
    from staging.store.db import db

    app = create_app()
    with app.app_context():
        prepare(app.config, echo=server.log.info)
    db.close()
