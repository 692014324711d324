"""Sign-in you can trust on shared devices (issue 14): badges that cannot be lifted, sessions that
end, redirects that stay on the site, no 500 on hostile input or faults, offline replays that
cannot date themselves freely, and a record of security events."""
import datetime
import math

import pytest

from staging.domain.errors import SignInFailed, TooManyAttempts
from staging.domain.people import badges, throttle
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


def test_a_pin_without_a_badge_scanned_just_before_is_refused_in_words(client, people, monkeypatch):
    badges.set_pin(people.users["admin"], "lead1", "4711")
    response = post(client, "/login", pin="4711")
    assert response.status_code == 401 and "Scan your badge first" in response.get_data(as_text=True)
    post(client, "/login", badge=people.lead_badge)
    import time as clock
    later = clock.time() + 121
    monkeypatch.setattr(clock, "time", lambda: later)
    html = post(client, "/login", pin="4711").get_data(as_text=True)
    assert "Scan your badge first" in html and 'name="badge"' in html  # the badge field again
    assert client.get("/inventory").status_code == 302


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
    # Counted against this handheld's signed key (it got one when operator1 signed in on it).
    assert LoginFailure.select().where(LoginFailure.device != "").count() == 5
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


def test_badge_guessing_from_one_handheld_does_not_lock_out_the_others_behind_the_nat(people, app):
    honest, guessing = app.test_client(), app.test_client()
    for handheld in (honest, guessing):  # both have been used before: each carries its signed key
        assert post(handheld, "/login", badge=people.op_badge).status_code == 302
        handheld.post("/logout", data={"csrf_token": csrf_token(handheld)})
    for n in range(throttle.MAX_PER_ADDRESS + 5):  # a device name of its own for every guess
        guessing.post("/login", data={"badge": f"B{n:020d}", "csrf_token": csrf_token(guessing)},
                      headers={"X-Device": f"HH-{n}"})
    refused = post(guessing, "/login", badge=people.op_badge)
    assert refused.status_code == 429
    assert post(honest, "/login", badge=people.op_badge).status_code == 302


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
    from staging.domain.people import users
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




# --- 14.4 redirects stay on this site ------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/%09/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/",
                                    "/%0B/evil.example", "javascript:alert(1)", "/ /evil.example"])
def test_sign_in_never_redirects_off_the_site(client, people, target):
    response = client.post(f"/login?next={target}", data={"username": "lead1", "password": "password-123",
                                                          "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.location == "/inventory"


def test_a_same_site_next_is_kept_and_a_crlf_is_a_400_in_words(client, people):
    response = client.post("/login?next=/floor", data={"username": "lead1", "password": "password-123",
                                                       "csrf_token": csrf_token(client)})
    assert response.location == "/floor"
    for method in (client.get, client.post):
        response = method("/login?next=/%0d%0aSet-Cookie:%20x=1", data={"csrf_token": csrf_token(client)})
        assert response.status_code == 400
        assert "line break" in response.get_data(as_text=True)
        assert "x=1" not in str(response.headers)


def test_the_safety_acknowledgement_stays_on_the_site(client, people, app):
    from staging.domain import logbook
    cal = logbook.Calendar.from_settings(app.config["SHIFTS"], app.config["PLANT_TIMEZONE"])
    day = cal.today() - datetime.timedelta(days=2)
    note = logbook.add_note(people.operator, people.machine, day, "Early", "safety", "Oil", cal)
    login(client, "lead1")
    for target, expected in (("/%09/evil.example/", "/logbook"), ("/\t/evil.example/", "/logbook"),
                             ("/floor", "/floor")):
        response = client.post(f"/logbook/notes/{note.id}/acknowledge",
                               data={"next": target.replace("%09", "\t"), "csrf_token": csrf_token(client, "/floor")})
        assert response.status_code == 302 and response.location == expected
    response = client.post(f"/logbook/notes/{note.id}/acknowledge",
                           data={"next": "/\r\nSet-Cookie: x=1", "csrf_token": csrf_token(client, "/floor")})
    assert response.status_code == 400


# --- 14.5 no 500s ---------------------------------------------------------------------------------------

@pytest.fixture
def token(people):
    from staging.domain.people.users import create_token
    return {"Authorization": f"Bearer {create_token('lead1')}"}


@pytest.mark.parametrize("path", ["/api/moves", "/api/receipts"])
def test_json_nested_100000_deep_is_a_4xx_problem(client, token, path):
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(path, data=deep, headers={**token, "Content-Type": "application/json"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/moves", "/api/receipts"])
@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=x",
                                          "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_that_is_not_json_is_a_422_problem(client, token, path, content_type):
    before = Barcode.select().count()
    response = client.post(path, data=b"--x\r\nunit=1\r\n", headers={**token, "Content-Type": content_type})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "JSON object (Content-Type: application/json)" in response.json["detail"]
    assert Barcode.select().count() == before


@pytest.mark.parametrize("scanned_at", ["1e23", "-100000000000000000000000", "100000000000000000000000",
                                        "nan", "", "9" * 5000])
def test_any_scan_time_is_taken_without_a_500(client, people, scanned_at):
    unit = people.receive()
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    for code in (unit.lpn, "A-01-1"):
        response = client.post("/scan", data={"csrf_token": token, "code": code, "scanned_at": scanned_at,
                                              "sent_at": "1700000000000"}, headers={"X-Scan-Client": "1"})
        assert response.status_code == 200
    from staging.store.models import Unit
    assert Unit.get_by_id(unit.id).location.code == "A-01-1"


# --- 14.7 offline replays ------------------------------------------------------------------------------

def _old_unit(people, days=8):
    from staging.domain import inventory
    from staging.store.models import utcnow
    ctx = inventory.Ctx(people.stager, device="test", at=utcnow() - datetime.timedelta(days=days))
    return inventory.receive(ctx, people.resin_b, "100", lot="L1").unit


def _replayed_move(client, unit, age_ms):
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    sent = 1_800_000_000_000
    html = ""
    for code in (unit.lpn, "A-01-1"):
        assert "tone-bad" not in html, html
        html = client.post("/scan", data={"csrf_token": token, "code": code, "scanned_at": str(sent - age_ms),
                                          "sent_at": str(sent)}, headers={"X-Scan-Client": "1"}).get_data(as_text=True)
    from staging.store.models import Entry
    entry = Entry.select().where(Entry.unit == unit, Entry.kind == "move").first()
    assert entry is not None, html
    return entry, html


def test_a_replay_keeps_its_scan_time_and_its_arrival_time(client, people):
    entry, html = _replayed_move(client, _old_unit(people), 2 * 3600 * 1000)
    gap = entry.recorded_at - entry.at
    assert datetime.timedelta(hours=2) - datetime.timedelta(seconds=30) < gap < datetime.timedelta(hours=2, seconds=30)
    assert "recorded at the time it arrived" not in html


def test_a_replay_older_than_the_setting_is_dated_on_arrival_and_says_so(client, people, app):
    entry, html = _replayed_move(client, _old_unit(people), int(6.9 * 24 * 3600 * 1000))
    assert abs(entry.recorded_at - entry.at) < datetime.timedelta(seconds=30)
    assert "Scanned offline over 12 hours before it arrived: recorded at the time it arrived." in html
    app.config["REPLAY_MAX_AGE_HOURS"] = 200
    entry, html = _replayed_move(client, _old_unit(people), int(6.9 * 24 * 3600 * 1000))
    assert entry.recorded_at - entry.at > datetime.timedelta(days=6)


def test_a_replay_never_dates_itself_into_a_locked_shift_log(client, people, app):
    from staging.domain import logbook
    from staging.store.models import ShiftLog, utcnow
    cal = logbook.Calendar.from_settings(app.config["SHIFTS"], app.config["PLANT_TIMEZONE"])
    day, shift = cal.at(utcnow() - datetime.timedelta(hours=3))
    ShiftLog.create(station=people.machine, day=day, shift=shift.name, submitted_at=utcnow(),
                    submitted_by=people.lead)
    entry, html = _replayed_move(client, _old_unit(people), 3 * 3600 * 1000)
    assert abs(entry.recorded_at - entry.at) < datetime.timedelta(seconds=30)
    assert f"Scanned during the {shift.name} shift" in html and "whose log is already submitted" in html
