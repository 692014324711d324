"""Sign-in you can trust: failed sign-ins throttled (in the database, so across workers and
hosts), no default or known credentials, session cookies HttpOnly, SameSite, Secure over HTTPS."""
import datetime
import threading

import pytest

from staging import create_app
from staging.domain.errors import SignInFailed, TooManyAttempts
from staging.domain.people import badges, throttle
from staging.domain.people.users import badge_sign_in, create_user, set_password, sign_in
from staging.store.db import db
from staging.store.models import LoginFailure, User

from .webutil import TOKEN, csrf_token, login

# --- the throttle in the domain (SQLite and PostgreSQL) -------------------------------------------

def test_five_wrong_passwords_lock_that_name_for_a_while(plant):
    for _ in range(5):
        with pytest.raises(SignInFailed):
            sign_in("lead1", "wrong-guess", "10.0.0.1")
    with pytest.raises(TooManyAttempts, match=r"Too many failed sign-ins; try again in 15 minutes"):
        sign_in("lead1", "password-123", "10.0.0.2")  # even the right password, from elsewhere
    assert sign_in("stager1", "password-123", "10.0.0.3").username == "stager1"  # others unaffected
    later = datetime.datetime.utcnow() + throttle.WINDOW + datetime.timedelta(seconds=1)
    throttle.check("lead1", "10.0.0.2", now=later)  # the window passed: allowed again


def _at_once(count, attempt):
    """Run `attempt` in `count` threads released together; the exception types they ended with."""
    outcomes, start = [], threading.Barrier(count)

    def run():
        with db.connection_context():
            start.wait()
            try:
                attempt()
                outcomes.append(None)
            except (SignInFailed, TooManyAttempts) as err:
                outcomes.append(type(err))

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_guesses_sent_at_once_get_no_more_tries_than_one_at_a_time(plant):
    # A script firing guesses in parallel: each is counted before the next is checked.
    outcomes = _at_once(12, lambda: sign_in("lead1", "wrong-guess", "10.0.0.1"))
    assert outcomes.count(SignInFailed) == throttle.MAX_PER_USERNAME
    assert outcomes.count(TooManyAttempts) == 12 - throttle.MAX_PER_USERNAME


def test_one_account_signing_in_on_many_handhelds_at_once_is_not_refused(plant):
    assert _at_once(8, lambda: sign_in("operator1", "password-123", "10.0.0.1")) == [None] * 8


def test_one_address_guessing_many_names_is_locked_too(plant):
    for n in range(throttle.MAX_PER_ADDRESS):
        with pytest.raises(SignInFailed):
            sign_in(f"guess{n}", "x", "10.9.9.9")
    with pytest.raises(TooManyAttempts):
        sign_in("operator1", "password-123", "10.9.9.9")
    assert sign_in("operator1", "password-123", "10.1.1.1").username == "operator1"


def test_a_right_password_or_a_new_one_forgives_earlier_typos(plant):
    for _ in range(4):
        with pytest.raises(SignInFailed):
            sign_in("lead1", "typo", "10.0.0.1")
    sign_in("lead1", "password-123", "10.0.0.1")
    for _ in range(4):  # four more typos do not lock: the count started again
        with pytest.raises(SignInFailed):
            sign_in("lead1", "typo", "10.0.0.1")
    sign_in("lead1", "password-123", "10.0.0.1")
    for _ in range(5):
        with pytest.raises(SignInFailed):
            sign_in("lead1", "typo", "10.0.0.1")
    set_password(plant.lead, "a-new-password")  # what an admin does for a locked-out lead
    assert sign_in("lead1", "a-new-password", "10.0.0.1") == plant.lead


def test_wrong_badges_count_against_the_address(plant):
    with db.atomic():
        from staging.domain import codes
        plant.operator.badge = "B-77"
        plant.operator.save()
        codes.register(plant.operator, "B-77")
    assert badge_sign_in("B-77\r\n", "10.0.0.5") == plant.operator
    # Slips, not guesses: a location label, control characters, a page of text, another shape.
    for code in ("M1", "\x00\x1b[2J", "x" * 10_000, "P-0001", "WO-1"):
        with pytest.raises(SignInFailed, match="badge is not known"):
            badge_sign_in(code, "10.0.0.5", {"per_address": 4})
    for code in ("B-78", "B-79", "X-11", "B-99"):  # shaped like a badge: counted
        with pytest.raises(SignInFailed, match="badge is not known"):
            badge_sign_in(code, "10.0.0.5", {"per_address": 4})
    with pytest.raises(TooManyAttempts):
        badge_sign_in("B-77", "10.0.0.5", {"per_address": 4})
    assert badge_sign_in("B-77", "10.0.0.6", {"per_address": 4}) == plant.operator


def test_hostile_user_names_are_failures_not_errors(plant):
    for name in ("\x00", "lead1\x00", "x" * 10_000, "<script>", "' OR 1=1 --", None):
        with pytest.raises(SignInFailed):
            sign_in(name, "password-123", "10.0.0.7")
    assert LoginFailure.select().count() == 6
    assert all(len(f.username) <= 64 and "\x00" not in f.username for f in LoginFailure.select())


def test_old_failures_are_dropped(plant):
    long_ago = datetime.datetime.utcnow() - datetime.timedelta(hours=2)
    throttle.failed("lead1", "10.0.0.1", now=long_ago)
    throttle.failed("lead1", "10.0.0.1")
    assert LoginFailure.select().count() == 1


# --- through the sign-in page -------------------------------------------------------------------------

def _post(client, **form):
    return client.post("/login", data={**form, "csrf_token": csrf_token(client)})


def test_the_sign_in_page_refuses_after_five_failures_with_a_clear_message(client, web_plant):
    for _ in range(5):
        assert _post(client, username="lead1", password="nope-nope").status_code == 401
    response = _post(client, username="lead1", password="password-123")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many failed sign-ins; try again in 15 minutes." in html
    assert "user_id" not in (response.headers.get("Set-Cookie") or "")
    login(client, "stager1")  # the same handheld, another person: fine


def test_the_lock_holds_across_workers(tmp_path, web_plant, app):
    """Two app processes (gunicorn workers, or hosts) on one database see the same failures."""
    other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test",
                        "SEED_DEMO": False})
    first, second = app.test_client(), other.test_client()
    for _ in range(5):
        assert _post(first, username="lead1", password="nope-nope").status_code == 401
    response = _post(second, username="lead1", password="password-123")
    assert response.status_code == 429 and "Too many failed sign-ins" in response.get_data(as_text=True)


def test_badge_sign_in_is_throttled_by_address(client, web_plant, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    badges.reissue(web_plant.users["admin"], "operator1")  # badges look like B and 20 digits
    for code in ("B" + "1" * 20, "B" + "2" * 20, "<b>x</b>", "B" + "3" * 20):
        response = _post(client, badge=code)
        assert response.status_code == 401 and "That badge is not known here" in response.get_data(as_text=True)
    response = _post(client, badge="B" + "4" * 20)
    assert response.status_code == 429 and "Too many failed sign-ins" in response.get_data(as_text=True)
    other_handheld = client.post("/login", data={"username": "lead1", "password": "password-123",
                                                 "csrf_token": csrf_token(client)},
                                 environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert other_handheld.status_code == 302


# --- no default password ------------------------------------------------------------------------------

def test_first_start_generates_the_admin_password_and_prints_it_once(runner, app):
    app.config["SEED_DEMO"] = True
    first = runner.invoke(args=["init-db"])
    line = next(ln for ln in first.output.splitlines() if "sign in as  admin  with password" in ln)
    password = line.split()[-1]
    assert len(password) >= 16
    assert "password" not in runner.invoke(args=["init-db"]).output  # once
    assert sign_in("admin", password, "127.0.0.1").role == "admin"
    # Nobody else has a password to guess; the demo people sign in by badges made for this plant.
    others = list(User.select().where(User.username != "admin"))
    assert others and all(u.password_hash is None and u.badge for u in others)
    for guess in ("admin", "password", "password-123", "changeme", "demo", "admin123"):
        for u in User.select():
            with pytest.raises((SignInFailed, TooManyAttempts)):
                sign_in(u.username, guess, "10.0.0.8")
    LoginFailure.delete().execute()
    for badge in ("B-1001", "B-1002", "B-1003", "B-1004"):  # the old fixed demo badges
        with pytest.raises(SignInFailed):
            badge_sign_in(badge, "10.0.0.9")
    assert f"badge {others[0].badge}" in first.output


def test_a_second_install_gets_another_admin_password(tmp_path):
    passwords = []
    for n in range(2):
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / f'{n}.db'}",
                          "SECRET_KEY": "test", "SEED_DEMO": False})
        output = app.test_cli_runner().invoke(args=["init-db"]).output
        passwords.append(next(ln for ln in output.splitlines() if "with password" in ln).split()[-1])
    assert passwords[0] != passwords[1]


def test_a_lead_or_admin_needs_a_password_or_badge(runner, app):
    for role in ("lead", "admin"):
        result = runner.invoke(args=["create-user", f"x{role}", "--role", role])
        assert result.exit_code == 1 and f"A {role} needs a password (--password) or a badge" in result.output
    # An operator without either is an API-only account (create-token); it cannot sign in.
    assert runner.invoke(args=["create-user", "erp-feed", "--role", "operator"]).exit_code == 0
    assert runner.invoke(args=["create-user", "boss", "--role", "lead", "--badge", "B-9"]).exit_code == 0
    assert User.select().where(User.username.in_(["xlead", "xadmin"])).count() == 0
    with pytest.raises(SignInFailed):
        sign_in("erp-feed", "", "127.0.0.1")


# --- the session cookie -------------------------------------------------------------------------------

def _session_cookie(response):
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_session_cookie_is_httponly_samesite_and_not_secure_over_plain_http(client, web_plant):
    cookie = _session_cookie(login(client, "lead1"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_over_https(client, web_plant):
    token = TOKEN.search(client.get("/login", base_url="https://localhost").get_data(as_text=True)).group(1)
    # Over HTTPS Flask-WTF also wants a same-origin Referer, which browsers send (Referrer-Policy: same-origin).
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"username": "lead1", "password": "password-123", "csrf_token": token})
    assert response.status_code == 302
    assert "Secure" in _session_cookie(response)


def _behind_proxy(tmp_path, trust):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "test",
                      "SEED_DEMO": False, "TRUST_PROXY": trust})
    from staging.store.db import migrate
    migrate()
    with db.connection_context():
        create_user("lead1", "lead", "password-123")
    return app


@pytest.mark.parametrize("trust", [True, False])
def test_behind_a_trusted_proxy_https_and_the_client_address_come_from_its_headers(tmp_path, trust):
    app = _behind_proxy(tmp_path, trust)
    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                 "Referer": "https://localhost/login"}
    token = csrf_token(client)
    response = client.post("/login", headers=forwarded,
                           data={"username": "lead1", "password": "password-123", "csrf_token": token})
    assert response.status_code == 302
    # Only a trusted proxy's word makes the cookie Secure; without TRUST_PROXY a client could lie.
    assert ("Secure" in _session_cookie(response)) is trust
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inventory")})
    client.post("/login", headers=forwarded,
                data={"username": "nobody", "password": "x", "csrf_token": csrf_token(client)})
    with db.connection_context():
        address = LoginFailure.get().address
    assert address == ("203.0.113.7" if trust else "127.0.0.1")
