"""Nobody can lock a shift out: wrong passwords never lock the badge and PIN, a stranger's guesses
at a named person do not lock that person's own devices, a device is known by a key the server
signed (not by a header the client picks), and HEAD /login is the page, never a failed sign-in."""
import pytest

from staging.domain.people import badges, throttle
from staging.store.models import LoginFailure

from .webutil import csrf_token


def post(client, **form):
    return client.post("/login", data={**form, "csrf_token": csrf_token(client)})


@pytest.fixture
def lead(web_plant):
    """lead1 with a badge and a PIN."""
    admin = web_plant.users["admin"]
    web_plant.lead_badge = badges.reissue(admin, "lead1")
    web_plant.op_badge = badges.reissue(admin, "operator1")
    badges.set_pin(admin, "lead1", "4711")
    return web_plant


def used_before(client, **form):
    """A device someone signed in on (so it carries its signed key), signed out again."""
    assert post(client, **form).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    return client


def test_a_strangers_wrong_passwords_do_not_lock_the_persons_handheld_or_desk(app, lead):
    handheld = used_before(app.test_client(), badge=lead.op_badge)
    desk = used_before(app.test_client(), username="lead1", password="password-123")
    stranger = app.test_client()
    for _ in range(6):
        post(stranger, username="lead1", password="wrong")
    # The stranger is stopped, even with the right password ...
    assert post(stranger, username="lead1", password="password-123").status_code == 429
    # ... but lead1's badge and PIN on the handheld, and password at the desk, still work.
    assert "PIN" in post(handheld, badge=lead.lead_badge).get_data(as_text=True)
    assert post(handheld, pin="4711").status_code == 302
    assert post(desk, username="lead1", password="password-123").status_code == 302


def test_wrong_passwords_never_lock_the_badge_and_pin_even_on_a_new_handheld(app, lead):
    stranger = app.test_client()
    for _ in range(6):
        post(stranger, username="lead1", password="wrong")
    new_handheld = app.test_client()  # never signed in on: no key
    assert "PIN" in post(new_handheld, badge=lead.lead_badge).get_data(as_text=True)
    assert post(new_handheld, pin="4711").status_code == 302


def test_wrong_pins_still_lock_the_pin(app, lead):
    handheld = app.test_client()
    for _ in range(throttle.MAX_PER_USERNAME):
        post(handheld, badge=lead.lead_badge)
        assert post(handheld, pin="0000").status_code == 401
    post(handheld, badge=lead.lead_badge)
    refused = post(handheld, pin="4711")
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.get_data(as_text=True)


def test_a_flood_with_forged_device_keys_and_headers_stops_only_unknown_clients(app, lead):
    honest = used_before(app.test_client(), badge=lead.op_badge)
    flood = app.test_client()
    for n in range(throttle.MAX_PER_ADDRESS + 5):
        flood.set_cookie("device_key", f"forged-{n}")  # a key the server did not sign is no key
        flood.post("/login", data={"badge": f"B{n:020d}", "csrf_token": csrf_token(flood)},
                   headers={"X-Device": f"HH-{n}"})
    assert LoginFailure.select().where(LoginFailure.device != "").count() == 0
    refused = post(app.test_client(), badge=lead.op_badge)  # another unknown client behind the address
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.get_data(as_text=True)
    assert post(honest, badge=lead.op_badge).status_code == 302


def test_a_known_device_that_guesses_is_stopped_by_its_own_count(app, lead):
    guessing = used_before(app.test_client(), badge=lead.op_badge)
    for n in range(throttle.MAX_PER_DEVICE):
        post(guessing, badge=f"B{n:020d}")
    assert post(guessing, badge=lead.op_badge).status_code == 429
    assert post(app.test_client(), badge=lead.op_badge).status_code == 302  # nobody else waits


def test_head_login_answers_as_get_and_never_counts(client, lead):
    page = client.get("/login")
    for _ in range(throttle.MAX_PER_ADDRESS + 1):
        head = client.head("/login")
        assert head.status_code == 200 and head.data == b""
        assert head.headers["Content-Type"] == page.headers["Content-Type"]
    assert LoginFailure.select().count() == 0
    assert post(client, username="lead1", password="password-123").status_code == 302
