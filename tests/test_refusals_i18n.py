"""Every refusal a person reads can be said in their language (issue 18).

(a) That every refusal is a literal template, extracted into the catalogs: tests/test_translations.py.
(b) A German reader gets them in German: through the API (problem+json detail) and on a desk page.
(c) The English wording stays: the tests that assert refusal texts keep passing unchanged."""

import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.domain.people.users import create_token
from staging.domain.words import Words
from staging.store.models import Entry, Unit, User


def test_a_value_that_is_words_is_said_in_the_readers_language_too(app):
    refusal = Words("{unit} changed since your {kind} ({change} by {who}): it cannot be undone from here.",
                    unit="P1", kind="move", change="split", who=Words("someone"))
    from staging.web.i18n import say
    with app.test_request_context(headers={"Accept-Language": "de"}):
        said = say(refusal)
    assert "P1" in said and "jemand" in said and "someone" not in said


def _german(username):
    User.update(language="de").where(User.username == username).execute()


def test_a_german_api_client_gets_the_refusal_in_german(client, web_plant):
    _german("operator1")
    token = {"Authorization": "Bearer " + create_token("operator1")}
    response = client.post("/api/moves", json={"unit": "P-NOPE", "to": "LANE-1", "client_scan_id": "de-1"},
                           headers=token)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.json["detail"] == "Keine Palette und kein Behälter mit dem Code „P-NOPE“."
    assert Entry.select().count() == 0


def test_an_english_api_client_keeps_the_english_refusal(client, web_plant):
    token = {"Authorization": "Bearer " + create_token("operator1")}
    response = client.post("/api/moves", json={"unit": "P-NOPE", "to": "LANE-1", "client_scan_id": "en-1"},
                           headers=token)
    assert response.json["detail"] == "No pallet or tote with the code “P-NOPE”."


@pytest.mark.browser
def test_a_german_lead_reads_a_refused_hold_in_german_on_the_desk_page(page, live_server, web_plant):
    """The hold form with a blank reason: the refusal in German, on the screen, nothing held. The
    way there is clicked by address, not by link text (the pages' words are translated too)."""
    unit = web_plant.receive(qty="40", lot="LOT-9")
    inventory.stage(web_plant.ctx("stager"), unit.lpn, "LANE-1", "WO-1")  # on M1's board, with its Hold link
    _german("lead1")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "lead1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + "/inventory")
    page.click("header.top nav a[href$='/floor']")
    page.click("ul.board a[href$='/machines/M1']")
    page.click(f"a[href$='/units/{unit.lpn}/hold']")
    page.wait_for_url(f"**/units/{unit.lpn}/hold")
    page.fill("input[name=reason]", "   ")  # passes the browser's `required`; the plant refuses it
    page.click("form.narrow-form button[type=submit]")
    expect(page.locator("p.alert.error")).to_have_text("Geben Sie einen Grund an.")
    page.screenshot(path="/tmp/refusal-de-1280.png")
    assert User.get(User.username == "lead1").language == "de"
    expect(page.locator("h1 .status")).to_have_text("bereitgestellt")  # the status word in German too
    assert Unit.get(Unit.lpn == unit.lpn).status == "staged"


@pytest.mark.browser
def test_a_german_operator_reads_a_refused_scan_in_german_on_the_handheld(page, live_server, web_plant):
    """The scan page's red panel: a pallet scanned onto a closed bin, typed as a wedge at 360x640."""
    pallet = web_plant.receive()
    _german("operator1")
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(live_server + "/login?next=/scan")
    page.fill("input[name=username]", "operator1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + "/scan")
    expect(page.locator("#code")).to_be_focused()
    for code in (pallet.lpn, "A-01-3"):
        page.keyboard.type(code)
        page.keyboard.press("Enter")
    panel = page.locator("#panel")
    expect(panel).to_have_attribute("data-tone", "bad")
    expect(panel).to_contain_text("A-01-3 ist geschlossen: Stellen Sie sie woanders ab.")
    expect(panel).to_contain_text("Abgelehnt")
    page.screenshot(path="/tmp/refusal-de-scan-360.png")
    assert Unit.get_by_id(pallet.id).location.code == "RCV-1"  # nothing moved
