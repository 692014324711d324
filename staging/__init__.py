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
    if not app.config.get("PLANT_NAME") and app.config.get("SEED_DEMO"):
        # Unnamed and seeded with the demo: it is the demo plant. An unnamed empty plant has no name
        # (its pages are not titled "Demo plant" while a real plant is set up in it).
        app.config["PLANT_NAME"] = "Demo plant"
    db.init_app(app)
    cli.init_app(app)

    from .web import register
    register(app)
    return app
