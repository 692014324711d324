"""PLANT_NAME in every page's title (README: "shown in page titles"), and an unnamed plant is the
demo plant only when the demo is seeded."""
import re

from staging import create_app
from staging.domain.people.users import create_user

from .webutil import login


def title(client, path):
    return re.search(r"<title>(.*?)</title>", client.get(path).get_data(as_text=True), re.S).group(1).strip()


def test_the_plant_name_is_in_page_titles(app, client):
    app.config["PLANT_NAME"] = "Werk Nord"
    assert title(client, "/login") == "Sign in · Werk Nord · Staging"
    create_user("admin", "admin", "password-123")
    login(client, "admin")
    assert title(client, "/setup") == "Setup · Werk Nord · Staging"


def test_an_unnamed_plant_is_the_demo_plant_only_with_the_demo(tmp_path):
    unnamed = {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "test", "PLANT_NAME": ""}
    assert create_app({**unnamed, "SEED_DEMO": False}).config["PLANT_NAME"] == ""
    assert create_app({**unnamed, "SEED_DEMO": True}).config["PLANT_NAME"] == "Demo plant"
