"""Sign-in and the inventory pages, through the Flask test client."""
import pytest

from staging.domain import inventory

from .webutil import csrf_token, login


@pytest.fixture
def signed_in(client, web_plant):
    login(client, "lead1")
    return client


def test_pages_need_sign_in(client, web_plant):
    response = client.get("/inventory")
    assert response.status_code == 302 and "/login?next=/inventory" in response.location


def test_wrong_password_says_so(client, web_plant):
    response = client.post("/login", data={"username": "lead1", "password": "wrong-one",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 401 and "Wrong user name or password" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(client, web_plant):
    response = client.post("/login", data={"username": "lead1", "password": "password-123"})
    assert response.status_code == 400


def test_sign_in_goes_back_where_the_user_was_going_but_never_off_site(client, web_plant):
    token = csrf_token(client)
    response = client.post("/login?next=/locations/M1", data={
        "username": "lead1", "password": "password-123", "csrf_token": token})
    assert response.location.endswith("/locations/M1")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inventory")})
    response = client.post("/login?next=//evil.example/x", data={
        "username": "lead1", "password": "password-123", "csrf_token": csrf_token(client)})
    assert response.location.endswith("/inventory")


def test_inventory_shows_areas_locations_and_counts(signed_in, web_plant):
    web_plant.receive()
    web_plant.receive()
    html = signed_in.get("/inventory").get_data(as_text=True)
    assert "R-A" in html and "A-01-1" in html and "RCV-1" in html
    assert '<span class="count ">2</span>' in html  # two units on the dock
    machines = signed_in.get("/inventory?kind=machine").get_data(as_text=True)
    assert "M1" in machines and "RCV-1" not in machines


def test_location_page_lists_units_totals_and_movements(signed_in, web_plant):
    unit = web_plant.receive(qty="40", lot="LOT-7")
    inventory.move(web_plant.ctx(), unit.lpn, "A-01-1")
    html = signed_in.get("/locations/A-01-1").get_data(as_text=True)
    assert unit.lpn in html and "LOT-7" in html and "40 kg" in html
    assert "RES-100 rev B: <b>40 kg</b>" in html
    assert "RCV-1 → A-01-1" in html
    assert signed_in.get("/locations/NOPE").status_code == 404


def test_unit_page_shows_its_whole_history(signed_in, web_plant):
    unit = web_plant.receive(qty="40")
    inventory.move(web_plant.ctx(), unit.lpn, "A-01-1")
    inventory.stage(web_plant.ctx(), unit.lpn, "LANE-1", "WO-1")
    html = signed_in.get(f"/units/{unit.lpn}").get_data(as_text=True)
    assert html.index("RCV-1 → A-01-1") < html.index("A-01-1 → LANE-1")
    assert "operator1" in html and "stager1" in html and "for WO-1" in html


def test_search_by_lpn_goes_straight_to_the_unit(signed_in, web_plant):
    unit = web_plant.receive()
    response = signed_in.get(f"/search?q={unit.lpn.lower()}")
    assert response.status_code == 302 and response.location.endswith(f"/units/{unit.lpn}")


def test_search_by_part_and_lot(signed_in, web_plant):
    unit = web_plant.receive(lot="LOT-42")
    by_part = signed_in.get("/search?q=RES-1").get_data(as_text=True)
    assert unit.lpn in by_part
    fragment = signed_in.get("/search?q=LOT-4", headers={"HX-Request": "true", "HX-Target": "results"})
    assert unit.lpn in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert "HX-Target" in fragment.headers["Vary"]
    boosted = signed_in.get("/search?q=LOT-4", headers={"HX-Request": "true"})  # the header's box
    assert "<html" in boosted.get_data(as_text=True)


def test_scanned_text_is_escaped_on_pages(signed_in, web_plant):
    unit = web_plant.receive(lot='<script>alert("x")</script>')
    html = signed_in.get(f"/units/{unit.lpn}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_unknown_pages_get_a_readable_404(signed_in):
    response = signed_in.get("/no/such/page")
    assert response.status_code == 404 and "There is nothing at this address" in response.get_data(as_text=True)
    api = signed_in.get("/api/no/such")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_every_page_carries_the_security_headers(signed_in):
    for path in ("/inventory", "/login", "/api/locations"):
        headers = signed_in.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client, web_plant):
    response = login(client, "lead1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
