"""Staging tracker: barcode-driven material staging and handling for production floors."""
from flask import Flask

from . import cli
from .config import Config
from .store import db


def create_app(test_config=None):
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(Config())
    if test_config:
        app.config.update(test_config)
    db.init_app(app)
    cli.init_app(app)

    from .web import register
    register(app)
    return app
