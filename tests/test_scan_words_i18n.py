"""German and Polish on the handheld: "rev" is said in the reader's language inside the
wrong-material refusal and the task text, and the quantity hint names the button as it reads."""
import pytest
from babel import Locale
from flask_babel import gettext

from staging.domain import inventory, tasks
from staging.domain.inventory import Ctx
from staging.domain.scan import tasks as scan_tasks
from staging.domain.scan.scanning import State, step
from staging.domain.scan.state import _waiting
from staging.web.i18n import say
from staging.web.scan_words import script_words

from .webutil import login


def _said(app, language, words):
    with app.test_request_context(headers={"Accept-Language": language}):
        return say(words)


@pytest.mark.parametrize("language, rev, everything", [("de", "Rev. ", "„Alle“"), ("pl", "rew. ", "„Wszystkie”")])
def test_rev_and_all_are_said_in_german_and_polish(app, web_plant, language, rev, everything):
    plant = web_plant
    screws = plant.receive(part=plant.screw)
    state = State()
    for n, code in enumerate(("CMD:MODE:LOAD", "M1", screws.lpn)):
        state, refused = step(Ctx(plant.operator, device="HH", scan_id=f"r{n}"), state, code=code)
    said = _said(app, language, refused.detail)
    assert refused.tone == "bad" and f"RES-100 {rev}B (WO-1)" in said and "FST-M6 " + rev + "C" in said
    assert " rev " not in said

    tasks.places.add_place(plant.lead, "M1", "LANE-1")
    resin = plant.receive(qty="600")
    inventory.move(Ctx(plant.operator), resin, "A-01-1")
    title, words = scan_tasks._next_words(tasks.next_for(plant.operator))
    said = _said(app, language, words)
    assert f"RES-100 {rev}B" in said and " rev " not in said

    consuming = State(mode="CONSUME", unit=resin.lpn)
    hint = _said(app, language, _waiting(consuming).detail)
    with app.test_request_context(headers={"Accept-Language": language}):
        button = gettext("All")  # what the All button reads
    assert everything.strip("„“”") == button and everything in hint


@pytest.mark.parametrize("language, one, two, five", [
    ("en", "1 scan of olga set aside", "2 scans of olga set aside", "5 scans of olga set aside"),
    ("pl", "1 skan użytkownika olga odłożony", "2 skany użytkownika olga odłożone",
     "5 skanów użytkownika olga odłożonych"),
])
def test_set_aside_scans_are_counted_in_the_right_plural(app, language, one, two, five):
    with app.test_request_context(headers={"Accept-Language": language}):
        forms = script_words()["setAside"]
    plural_of = Locale.parse(language).plural_form  # what the page's Intl.PluralRules picks, by CLDR
    said = [forms[plural_of(n)].format(count=n, user="olga").partition(":")[0] for n in (1, 2, 5)]
    assert said == [one, two, five]


def test_the_machine_page_says_rev_in_german_for_wrong_material(client, web_plant):
    screws = web_plant.receive(part=web_plant.screw)
    inventory.load(Ctx(web_plant.lead), screws, "M1", override="Trial run")  # a lead's override: shown as wrong
    login(client, "lead1")
    page = client.get("/machines/M1", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert f"{screws.lpn}</b></a> FST-M6 Rev. C" in page and "FST-M6 rev C" not in page
