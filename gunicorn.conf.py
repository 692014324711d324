"""gunicorn settings for `make run` (HOST, PORT, WEB_CONCURRENCY from the environment).

The master migrates and seeds once before forking workers, so workers never race on it."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"


def on_starting(server):
    from staging import create_app
    from staging.first_start import prepare
    from staging.store.db import db

    app = create_app()
    with app.app_context():
        prepare(app.config, echo=server.log.info)
    db.close()
