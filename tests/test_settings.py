"""The plant's settings stored in the database: an admin changes them on /settings, each value is
checked (a bad one refuses the whole form, nothing saved), each change is audited, and every app
process sees the change without a restart (the version row), with the environment as default."""
import pytest

from staging import create_app
from staging.domain import plant_settings
from staging.domain.errors import Forbidden
from staging.domain.setup import audit
from staging.store.models import MasterChange, Setting

from .webutil import csrf_token, login


@pytest.fixture
def admin_client(client, web_plant):
    login(client, "admin1")
    return client


def form(client, **values):
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="SHIFTS"' in page
    return {"csrf_token": csrf_token(client, "/settings"), **values}


def test_an_admin_changes_the_shifts_and_the_logbook_uses_them_at_once(admin_client, app):
    shifts = "Day=06:00-18:00,Night=18:00-06:00"
    response = admin_client.post("/settings", data=form(admin_client, SHIFTS=shifts, PLANT_NAME="Plant Nord"))
    assert response.status_code == 303
    assert Setting.get_by_id("SHIFTS").value == shifts and app.config["SHIFTS"] == shifts
    logbook = admin_client.get("/logbook").get_data(as_text=True)
    assert "Day" in logbook and "Early" not in logbook
    assert "Plant Nord" in admin_client.get("/settings").get_data(as_text=True)
    change = audit.changes("setting", "SHIFTS")[0]
    assert change.by == "admin1" and change.fields == [("value", "Early=06:00-14:00,Late=14:00-22:00,"
                                                                  "Night=22:00-06:00", shifts)]


@pytest.mark.parametrize("name, bad, why", [
    ("PLANT_TIMEZONE", "Europe/Berlinn", "is not a time zone"),
    ("SHIFTS", "Early=06:00-14:00,Late=14-22", "are not valid"),
    ("SHIFTS", "A=06:00-14:00,A=14:00-22:00", "each name once"),
    ("LOG_GRACE_MINUTES", "-5", "whole number from 0 to 1440"),
    ("GS1_COMPANY_PREFIX", "12AB56", "6 to 12 digits"),
    ("PLANT_LOCALE", "klingon", "is not one of the plant&#39;s languages"),
    ("PLANT_LOCALE", "fr", "is not one of the plant&#39;s languages"),  # a language the app has no catalogs for
    ("GO_LIVE", "next monday", "is not a date"),
    ("FLOOR_HORIZON_HOURS", "nan", "from 0.5 to 168"),
])
def test_a_bad_value_is_refused_on_the_page_and_nothing_is_saved(admin_client, app, name, bad, why):
    response = admin_client.post("/settings", data=form(admin_client, PLANT_NAME="Plant Nord", **{name: bad}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in html and why in html
    assert f'value="{bad}"' in html  # what was typed stays in its field
    assert Setting.select().count() == 0 and MasterChange.select().count() == 0
    assert app.config["PLANT_NAME"] != "Plant Nord"


def test_only_an_admin_may_change_settings(client, web_plant, app):
    login(client, "lead1")
    token = csrf_token(client, "/inventory")
    assert client.post("/settings", data={"csrf_token": token, "SHIFTS": "A=00:00-12:00,B=12:00-00:00"}
                       ).status_code == 403
    with pytest.raises(Forbidden):
        plant_settings.save(web_plant.lead, {"PLANT_NAME": "X"}, app.config)
    assert Setting.select().count() == 0


def test_an_unchanged_form_records_nothing(admin_client, app, web_plant):
    values = {row.name: row.value for row in plant_settings.shown(web_plant.users["admin"], app.config)
              if row.editable}
    assert admin_client.post("/settings", data=form(admin_client, **values)).status_code == 303
    assert MasterChange.select().count() == 0 and Setting.select().count() == 0


def test_another_app_process_sees_the_change_through_the_version_row(admin_client, app, tmp_path):
    other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test",
                        "SEED_DEMO": False})
    stored = other.extensions["staging.settings"]["stored"]
    stored.every = 0
    with other.test_request_context():
        other.preprocess_request()
        assert other.config["FLOOR_HORIZON_HOURS"] == 4
    admin_client.post("/settings", data=form(admin_client, FLOOR_HORIZON_HOURS="8.5"))
    stored.generation = plant_settings._generation[0]  # as if in another process: only the row tells
    with other.test_request_context():
        other.preprocess_request()
        assert other.config["FLOOR_HORIZON_HOURS"] == 8.5


def test_the_cache_reads_the_rows_only_when_the_version_moved(web_plant):
    stored = plant_settings.Stored(every=0)
    assert stored.changed() and stored.values == {}
    assert not stored.changed()  # nothing new: one read of the version row, no rows
    Setting.create(name="QC_RELEASE_FOUR_EYES", value="off")
    assert not stored.changed()  # a row without a new version is not seen: saves always write both
    Setting.create(name=plant_settings.VERSION, value="v2")
    assert stored.changed() and stored.values == {"QC_RELEASE_FOUR_EYES": False}
    slow = plant_settings.Stored(every=3600)
    assert slow.changed()
    Setting.update(value="v3").where(Setting.name == plant_settings.VERSION).execute()
    assert not slow.changed()  # not asked again within its interval
    plant_settings.save(web_plant.users["admin"], {"LOG_GRACE_MINUTES": "15"}, {"LOG_GRACE_MINUTES": 60})
    assert slow.changed() and slow.values["LOG_GRACE_MINUTES"] == 15  # a save here is seen at once


def test_saving_settings_on_both_engines_stores_audits_and_replaces(plant):
    """The domain on SQLite and PostgreSQL: an upsert per setting and the version row, in one transaction."""
    admin = plant.users["admin"]
    config = {"SHIFTS": "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00", "GS1_COMPANY_PREFIX": ""}
    assert plant_settings.save(admin, {"SHIFTS": "A=06:00-18:00,B=18:00-06:00"}, config) == ["SHIFTS"]
    first = Setting.get_by_id(plant_settings.VERSION).value
    config["SHIFTS"] = "A=06:00-18:00,B=18:00-06:00"
    assert plant_settings.save(admin, {"SHIFTS": "A=07:00-19:00,B=19:00-07:00", "GS1_COMPANY_PREFIX": "4006381"},
                               config) == ["GS1_COMPANY_PREFIX", "SHIFTS"]
    assert Setting.get_by_id(plant_settings.VERSION).value != first
    assert plant_settings.stored() == {"SHIFTS": "A=07:00-19:00,B=19:00-07:00", "GS1_COMPANY_PREFIX": "4006381"}
    assert sorted(c.code for c in audit.changes("setting")) == ["GS1_COMPANY_PREFIX", "SHIFTS", "SHIFTS"]
    with pytest.raises(plant_settings.Refused) as refused:
        plant_settings.save(admin, {"SHIFTS": "nonsense", "PLANT_TIMEZONE": "Nowhere/City"}, config)
    assert sorted(refused.value.fields) == ["PLANT_TIMEZONE", "SHIFTS"]
    # two settings, the version and when the new shifts apply (logbook.SINCE): nothing more written
    assert Setting.select().count() == 4


def test_the_plant_language_is_a_choice_of_the_shipped_languages(admin_client, app):
    html = admin_client.get("/settings").get_data(as_text=True)
    chooser = html.split('<select name="PLANT_LOCALE"', 1)[1].split("</select>", 1)[0]
    for code, name in (("en", "English"), ("de", "Deutsch"), ("es", "Español"), ("pl", "Polski")):
        assert f'<option value="{code}"' in chooser and name in chooser
    assert '<input name="PLANT_LOCALE"' not in html
    response = admin_client.post("/settings", data=form(admin_client, PLANT_LOCALE="pl"))
    assert response.status_code in (200, 302, 303)
    assert app.config["PLANT_LOCALE"] == "pl"


def test_go_live_typed_the_reader_s_way_is_stored_as_a_date(admin_client, app):
    response = admin_client.post("/settings", data=form(admin_client, GO_LIVE="31.12.2025"))
    assert response.status_code == 303
    assert Setting.get(Setting.name == "GO_LIVE").value == "2025-12-31"
