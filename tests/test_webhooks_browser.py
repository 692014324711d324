"""The webhooks page in Chromium at 1280x800: an admin reaches it from Settings by clicking, a bad
address is refused on the screen, the secret is shown once, an event a failing receiver never took
shows on the dead list, and Replay sends it (signed with the secret the admin saw)."""
import time

import pytest
from playwright.sync_api import expect

from staging.domain import events
from staging.domain.webhooks import worker
from staging.store.db import write_transaction
from staging.store.models import Webhook, WebhookDelivery

from .receiver import Receiver, verify
from .test_desk_browser import header, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def delivering(app):
    """The app's own delivery thread, started by its first request as in production, paced for a test:
    retries within 50 ms and a horizon of a second."""
    app.config.update(EVENT_DELIVERY_IN_TESTS=True, WEBHOOK_RETRY_SCHEDULE="0.05,0.1", WEBHOOK_POLL_SECONDS=0.05,
                      WEBHOOK_DEAD_AFTER_HOURS=1 / 3600, WEBHOOK_TIMEOUT=2)
    yield app
    app.config["EVENT_DELIVERY_IN_TESTS"] = False  # a request still on its way must not start another
    worker.stop()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


def test_an_admin_adds_a_webhook_sees_its_secret_once_and_replays_a_dead_event(page, live_server, web_plant,
                                                                                  delivering, receiver):
    sign_in(page, live_server, "admin")
    header(page, "Settings")
    page.click("main >> text=Webhooks")
    expect(page.locator("h1")).to_have_text("Webhooks")

    page.fill("#webhook-url", "erp.example.com/in")
    page.click("button:has-text('Add webhook')")
    expect(page.locator("#refusal")).to_contain_text("is not a web address")
    expect(page.locator("#webhook-url")).to_have_value("erp.example.com/in")  # what was typed stays
    assert Webhook.select().count() == 0

    receiver.mode = "fail"
    page.fill("#webhook-url", receiver.url)
    page.check("input[name=types][value='unit.moved']")
    page.click("button:has-text('Add webhook')")
    secret = page.locator("#new-secret code.secret")
    expect(secret).to_be_visible()
    shown = secret.inner_text().strip()
    assert shown.startswith("whsec_") and shown == Webhook.get().secret

    with write_transaction():
        key = events.emit("unit.moved", "P00000042", {"unit": "P00000042", "to": "A-01-2"}).key
    wait_until(lambda: WebhookDelivery.select().where(WebhookDelivery.dead == True).count() == 1)  # noqa: E712

    page.reload()
    expect(page.locator("h1")).to_have_text("Webhooks")
    expect(page.locator("#new-secret")).to_have_count(0)  # once only
    assert shown not in page.content()
    row = page.locator(f"#webhook-{Webhook.get().id}")
    expect(row).to_contain_text("HTTP 500")
    row.locator("a", has_text=receiver.url).click()
    expect(page.locator("h1")).to_contain_text("Webhook to")
    dead = page.locator(f"#dead-{key}")
    expect(dead).to_contain_text("P00000042")

    receiver.mode = "ok"
    dead.locator("button", has_text="Replay").click()
    expect(page.locator("main")).to_contain_text("The event goes out again now.")
    assert receiver.wait_for(lambda r: len(r.delivered()) == 1)
    headers, body, _ = receiver.requests[-1]
    assert headers["webhook-id"] == key and verify(shown, headers, body)
    page.reload()
    expect(page.locator("main")).to_contain_text("Nothing on the dead list.")


def test_replay_all_from_the_page(page, live_server, web_plant, delivering, receiver):
    sign_in(page, live_server, "admin")
    header(page, "Settings")
    page.click("main >> text=Webhooks")
    receiver.mode = "fail"
    page.fill("#webhook-url", receiver.url)
    page.click("button:has-text('Add webhook')")
    expect(page.locator("#new-secret")).to_be_visible()
    with write_transaction():
        keys = [events.emit("task.done", str(n), {"task": n}).key for n in (1, 2)]
    wait_until(lambda: WebhookDelivery.select().where(WebhookDelivery.dead == True).count() == 2)  # noqa: E712
    # Each click swaps the body (boosted): the next waits for the page it opened, since the webhooks
    # page's own heading and rows would otherwise be clicked while Settings is on its way.
    page.click("header.top nav >> text=Settings")
    expect(page.locator("h1")).to_have_text("Plant settings")
    page.click("main >> text=Webhooks")
    expect(page.locator("h1")).to_have_text("Webhooks")
    page.click(f"#webhook-{Webhook.get().id} a >> nth=0")
    expect(page.locator("table.events tbody tr")).to_have_count(2)
    receiver.mode = "ok"
    page.click("button:has-text('Replay all')")
    expect(page.locator("main")).to_contain_text("2 events go out again now.")
    assert receiver.wait_for(lambda r: len(r.delivered()) == 2)
    assert sorted(e["id"] for e in receiver.delivered()) == sorted(keys)
    old = Webhook.get().secret
    page.click("button:has-text('New secret')")
    secret = page.locator("#new-secret code.secret")
    expect(secret).to_be_visible()
    assert secret.inner_text().strip() == Webhook.get().secret != old
