"""Sign-in you can trust on shared devices (issue 14): badges that cannot be lifted, sessions that
end, redirects that stay on the site, no 500 on hostile input or faults, offline replays that
cannot date themselves freely, and a record of security events."""
import math

import pytest

from staging.domain import badges, throttle
from staging.domain.errors import SignInFailed, TooManyAttempts
from staging.store.models import Barcode, LabelPrint, LoginFailure, SecurityEvent, User

from .webutil import csrf_token, login


@pytest.fixture
def people(web_plant):
    """The web plant with badges issued by the admin for an operator and a lead."""
    admin = web_plant.users["admin"]
    web_plant.op_badge = badges.reissue(admin, "operator1")
    web_plant.lead_badge = badges.reissue(admin, "lead1")
    return web_plant


def post(client, path, **form):
    return client.post(path, data={**form, "csrf_token": csrf_token(client)})


# --- 14.1 badges ------------------------------------------------------------------------------------

def test_generated_badge_codes_carry_at_least_64_random_bits(database):
    found = {badges.new_code() for _ in range(200)}
    assert len(found) == 200
    for code in found:
        assert code[0] == "B" and code[1:].isdigit() and len(code) == 21
    assert math.log2(10 ** badges.BADGE_DIGITS) >= 64


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "zpl"])
def test_nobody_but_an_admin_or_the_holder_gets_a_badge_label(client, people, fmt):
    login(client, "operator1")
    for ref in ("lead1", people.lead_badge):  # by user name or by the code itself
        response = client.get(f"/labels/badges/{ref}.{fmt}")
        assert response.status_code == 404
        assert people.lead_badge.encode() not in response.data
    login(client, "stager1")  # a stager prints labels, but not other people's badges
    assert client.get(f"/labels/badges/lead1.{fmt}").status_code == 404
    login(client, "admin1")
    assert client.get(f"/labels/badges/lead1.{fmt}").status_code == 200


def test_an_operator_sees_their_own_badge_and_its_clear_text_is_the_name(client, people):
    login(client, "operator1")
    svg = client.get("/labels/badges/operator1.svg").get_data(as_text=True)
    assert "operator1" in svg
    # The bars encode the code (their <title> names it for the holder's screen reader); no printed
    # text spells it out.
    import re
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "operator1" in texts and not any(people.op_badge in t for t in texts)


def test_a_stager_cannot_print_the_badge_sheet_and_the_history_shows_no_codes(client, people):
    login(client, "admin1")
    assert client.post("/labels", data={"kind": "badge", "usernames": "", "output": "html",
                                        "csrf_token": csrf_token(client)}).status_code == 303
    assert client.get("/labels/sheet?kind=badge&usernames=").status_code == 200
    assert LabelPrint.select().where(LabelPrint.kind == "badge").count() == 2
    login(client, "stager1")
    refused = client.post("/labels", data={"kind": "badge", "usernames": "", "output": "pdf",
                                           "csrf_token": csrf_token(client)})
    assert "Only an admin prints other people&#39;s badges" in refused.get_data(as_text=True)
    assert client.get("/labels/sheet?kind=badge&usernames=lead1").status_code == 403
    page = client.get("/labels").get_data(as_text=True)
    assert people.lead_badge not in page and people.op_badge not in page


def test_reissue_revokes_the_old_code_at_once_and_ends_the_holders_sessions(client, people, app):
    handheld = app.test_client()
    assert post(handheld, "/login", badge=people.op_badge).status_code == 302
    assert handheld.get("/scan").status_code == 200
    new = badges.reissue(people.users["admin"], "operator1")
    assert new != people.op_badge
    assert handheld.get("/scan").status_code == 302  # that session ended
    assert post(client, "/login", badge=people.op_badge).status_code == 401
    assert not Barcode.select().where(Barcode.code == people.op_badge).exists()
    assert post(client, "/login", badge=new).status_code == 302


def test_an_operator_signs_in_with_one_scan_a_lead_also_needs_the_pin(client, people):
    response = post(client, "/login", badge=people.op_badge + "\t")
    assert response.status_code == 302 and response.location.endswith("/scan")  # operators land on Scan
    client.post("/logout", data={"csrf_token": csrf_token(client, "/scan")})
    page = post(client, "/login", badge=people.lead_badge).get_data(as_text=True)
    assert 'name="pin"' in page and "lead1" in page and people.lead_badge not in page
    assert client.get("/inventory").status_code == 302  # not signed in yet
    assert "No PIN is set" in post(client, "/login", pin="1234").get_data(as_text=True)
    badges.set_pin(people.users["admin"], "lead1", "4711")
    post(client, "/login", badge=people.lead_badge)
    assert post(client, "/login", pin="4711").status_code == 302
    assert client.get("/inventory").status_code == 200


def test_wrong_pins_are_throttled_like_passwords(client, people):
    badges.set_pin(people.users["admin"], "lead1", "4711")
    for _ in range(throttle.MAX_PER_USERNAME):
        post(client, "/login", badge=people.lead_badge)
        response = post(client, "/login", pin="0000")
        assert response.status_code == 401 and "Wrong PIN." in response.get_data(as_text=True)
    post(client, "/login", badge=people.lead_badge)
    response = post(client, "/login", pin="4711")
    assert response.status_code == 429 and "Too many failed sign-ins" in response.get_data(as_text=True)


def test_a_lead_badge_on_the_scan_page_asks_for_the_pin_before_handing_over(client, people):
    badges.set_pin(people.users["admin"], "lead1", "4711")
    post(client, "/login", badge=people.op_badge)
    token = csrf_token(client, "/scan")
    response = client.post("/scan", data={"csrf_token": token, "code": people.lead_badge},
                           headers={"X-Scan-Client": "1"})
    assert response.headers["X-Scan-Redirect"].startswith("/login")
    assert 'name="pin"' in client.get(response.headers["X-Scan-Redirect"]).get_data(as_text=True)
    assert client.get("/inventory").status_code == 302  # the operator's session was handed back
    response = client.post("/login?next=/scan", data={"pin": "4711", "csrf_token": csrf_token(client)})
    assert response.location.endswith("/scan")
    assert "lead1" in client.get("/scan").get_data(as_text=True)


def test_security_events_hold_no_secrets(client, people):
    badges.set_pin(people.users["admin"], "lead1", "4711")
    post(client, "/login", badge=people.lead_badge)
    post(client, "/login", pin="4711")
    text = repr(list(SecurityEvent.select().tuples()))
    for secret in (people.lead_badge, people.op_badge, "4711", "password-123"):
        assert secret not in text


# --- 14.2 badge guessing --------------------------------------------------------------------------------

def _scan(client, code):
    return client.post("/scan", data={"csrf_token": csrf_token(client, "/scan"), "code": code},
                       headers={"X-Scan-Client": "1", "X-Device": "HH-1"})


def test_badge_guesses_on_the_scan_page_are_counted_and_stopped(client, people, app):
    app.config["LOGIN_MAX_FAILURES_PER_DEVICE"] = 5
    other = people.users["stager"]
    badges.set_pin(people.users["admin"], "stager1", "4711")
    login(client, "operator1")
    for n in range(5):
        _scan(client, f"B{n:020d}")
    assert LoginFailure.select().where(LoginFailure.device == "HH-1").count() == 5
    # The right badge now waits too: on this device the guessing has to stop.
    response = _scan(client, people.lead_badge)
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert User.get_by_id(other.id).username == "stager1"


def test_pallet_and_place_labels_scanned_by_mistake_never_lock_out_badges(client, people, app):
    unit = people.receive()
    login(client, "operator1")
    for _ in range(30):
        post(client, "/login", badge=unit.lpn)  # at the sign-in page: a pallet, not a badge
        post(client, "/login", badge="M1")
        post(client, "/login", badge="SOMETHING-ELSE")  # not badge-shaped either
    assert LoginFailure.select().count() == 0
    assert post(client, "/login", badge=people.op_badge).status_code == 302


def test_badge_guessing_from_one_handheld_does_not_lock_out_the_others_behind_the_nat(client, people, app):
    for n in range(throttle.MAX_PER_DEVICE):
        client.post("/login", data={"badge": f"B{n:020d}", "csrf_token": csrf_token(client)},
                    headers={"X-Device": "HH-BAD"})
    refused = client.post("/login", data={"badge": people.op_badge, "csrf_token": csrf_token(client)},
                          headers={"X-Device": "HH-BAD"})
    assert refused.status_code == 429
    other = client.post("/login", data={"badge": people.op_badge, "csrf_token": csrf_token(client)},
                        headers={"X-Device": "HH-GOOD"})
    assert other.status_code == 302


def test_the_domain_counts_only_badge_shaped_failures(plant):
    badges.reissue(plant.users["admin"], "operator1")
    with pytest.raises(SignInFailed):
        badges.sign_in("RCV-1", "10.0.0.1", "HH-1")
    with pytest.raises(SignInFailed):
        badges.sign_in("B123", "10.0.0.1", "HH-1")
    assert LoginFailure.select().count() == 0
    for n in range(3):
        with pytest.raises(SignInFailed):
            badges.sign_in(f"B{n:020d}", "10.0.0.1", "HH-1", {"per_device": 3})
    with pytest.raises(TooManyAttempts):
        badges.sign_in(f"B{9:020d}", "10.0.0.1", "HH-1", {"per_device": 3})


# --- 14.3 sessions end ------------------------------------------------------------------------------------

def _cookie(client):
    return client.get_cookie("session").value


def _replayed(app, cookie):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/inventory").status_code


def test_a_cookie_replayed_after_sign_out_is_signed_out(client, people, app):
    login(client, "lead1")
    cookie = _cookie(client)
    assert _replayed(app, cookie) == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inventory")})
    assert _replayed(app, cookie) == 302


@pytest.mark.parametrize("change", ["password", "role", "deactivate", "badge"])
def test_changes_to_a_user_end_their_sessions(client, people, app, change):
    login(client, "stager1")
    cookie = _cookie(client)
    admin = people.users["admin"]
    from staging.domain import users
    {"password": lambda: users.set_password(User.get(User.username == "stager1"), "another-pass"),
     "role": lambda: users.set_role(admin, "stager1", "lead"),
     "deactivate": lambda: users.set_active(admin, "stager1", False),
     "badge": lambda: badges.reissue(admin, "stager1")}[change]()
    assert _replayed(app, cookie) == 302


def test_the_lock_holds_on_another_app_process(client, people, app, tmp_path):
    from staging import create_app
    other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test",
                        "SEED_DEMO": False})
    login(client, "lead1")
    cookie = _cookie(client)
    elsewhere = other.test_client()
    elsewhere.set_cookie("session", cookie)
    assert elsewhere.get("/inventory").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inventory")})
    assert elsewhere.get("/inventory").status_code == 302


def test_desk_sessions_end_when_idle_handhelds_do_not(client, people, app, monkeypatch):
    import time as clock
    login(client, "lead1")
    handheld = app.test_client()
    post(handheld, "/login", badge=people.op_badge)
    now = clock.time()
    monkeypatch.setattr(clock, "time", lambda: now + app.config["DESK_IDLE_MINUTES"] * 60 + 5)
    assert client.get("/inventory").status_code == 302
    assert handheld.get("/scan").status_code == 200


def test_an_active_desk_session_stays(client, people, app, monkeypatch):
    import time as clock
    login(client, "lead1")
    start = clock.time()
    for step in range(1, 4):  # a request every 20 minutes: never idle for 30
        monkeypatch.setattr(clock, "time", lambda s=step: start + s * 20 * 60)
        assert client.get("/inventory").status_code == 200


def test_sign_ins_and_failures_are_recorded(client, people):
    login(client, "lead1")
    post(client, "/login", username="lead1", password="wrong-one")
    kinds = [e.kind for e in SecurityEvent.select().order_by(SecurityEvent.id)]
    assert kinds[:2] == ["badge_reissued", "badge_reissued"]
    assert "sign_in" in kinds and "sign_in_failed" in kinds


