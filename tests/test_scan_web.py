"""The scan page through HTTP without JavaScript (plain forms, one scan per submit), badge sign-in,
the device name, and the fragment the page's script swaps in."""
import re

import pytest

from staging.domain import codes
from staging.store.models import Entry, Unit

from .conftest import shared_photos
from .webutil import csrf_token, login

PANEL = re.compile(r'<p class="panel-title">(.*?)</p>', re.S)


@pytest.fixture
def plant(web_plant):
    """The web plant with a badge for operator1 and a pallet on the dock."""
    plant = web_plant
    plant.operator.badge = "B-1003"
    plant.operator.save()
    codes.register(plant.operator, "B-1003")
    plant.unit = plant.receive()
    return plant


def scan(client, token, code=None, script=False, **form):
    data = {"csrf_token": token, **form}
    if code is not None:
        data["code"] = code
    return client.post("/scan", data=data, headers={"X-Scan-Client": "1"} if script else {})


def title(html):
    return PANEL.search(html).group(1).strip()


def test_without_javascript_a_move_is_two_plain_form_posts(client, plant):
    login(client, "operator1")
    page = client.get("/scan").get_data(as_text=True)
    assert 'name="code"' in page and 'inputmode="none"' in page and "autofocus" in page
    token = csrf_token(client, "/scan")
    first = scan(client, token, plant.unit.lpn, scan_id="form-1")
    assert first.status_code == 303  # post/redirect/get: reloading does not send the scan again
    assert title(client.get("/scan").get_data(as_text=True)) == f"{plant.unit.lpn}: where to?"
    scan(client, token, "A-01-1", scan_id="form-2")
    assert title(client.get("/scan").get_data(as_text=True)) == f"{plant.unit.lpn} → A-01-1"
    scan(client, token, "A-01-1", scan_id="form-2")  # the same form sent twice
    assert Unit.get_by_id(plant.unit.id).location.code == "A-01-1"
    assert Entry.select().where(Entry.kind == "move").count() == 1
    entry = Entry.get(Entry.kind == "move")
    assert entry.user.username == "operator1"


def test_refusals_are_a_200_fragment_with_the_text_escaped(client, plant):
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    response = scan(client, token, '<script>alert(1)</script>', script=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-tone="bad"' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_type_button_works_without_javascript(client, plant):
    login(client, "operator1")
    assert 'inputmode="text"' in client.get("/scan?type=1").get_data(as_text=True)


def test_the_device_gets_a_name_and_every_row_carries_it(client, plant):
    login(client, "operator1")
    first = client.get("/scan")
    assert re.search(r"device=HH-[0-9A-F]{4}", first.headers["Set-Cookie"])
    token = csrf_token(client, "/scan")
    client.post("/scan/device", data={"csrf_token": token, "name": "Forklift 7"})
    scan(client, token, plant.unit.lpn), scan(client, token, "A-01-1")
    assert Entry.get(Entry.kind == "move").device == "Forklift 7"


def test_badge_sign_in_on_the_login_page(client, plant):
    token = csrf_token(client, "/login")
    wrong = client.post("/login", data={"csrf_token": token, "badge": "B-9999"})
    assert wrong.status_code == 401 and "badge is not known" in wrong.get_data(as_text=True)
    response = client.post("/login?next=/scan", data={"csrf_token": token, "badge": "b-1003\r"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/scan")
    assert "operator1" in client.get("/scan").get_data(as_text=True)


def test_a_badge_scanned_on_the_scan_page_hands_the_device_over(client, plant):
    login(client, "lead1")
    token = csrf_token(client, "/scan")
    scan(client, token, "B-1003", script=True)
    scan(client, token, plant.unit.lpn, script=True), scan(client, token, "A-01-1", script=True)
    assert Entry.get(Entry.kind == "move").user.username == "operator1"


def test_sign_out_command(client, plant):
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    response = scan(client, token, "CMD:SIGNOUT", script=True)
    assert "/login" in response.headers["X-Scan-Redirect"]
    assert client.get("/scan").status_code == 302
    assert scan(client, token, "A-01-1", script=True).status_code in (400, 401)


def test_a_photo_goes_into_the_same_flow(client, plant):
    photo = next(p for p in shared_photos() if p.parent.name == "code128-1" and p.name == "7.png")
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    response = client.post("/scan", data={"csrf_token": token, "image": (photo.open("rb"), "7.png")},
                           headers={"X-Scan-Client": "1"})
    html = response.get_data(as_text=True)
    assert title(html) == "Unknown barcode" and "abcdef" in html


def test_without_javascript_all_wins_over_a_half_typed_box(client, plant):
    from staging.domain.inventory import move
    move(plant.ctx("lead"), plant.unit.lpn, "M1")
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    scan(client, token, "CMD:MODE:CONSUME", scan_id="q-1")
    scan(client, token, plant.unit.lpn, scan_id="q-2")
    scan(client, token, qty="3", all="all", scan_id="q-3")  # the box and the All button, both sent
    assert title(client.get("/scan").get_data(as_text=True)) == f"Used 100 kg of {plant.unit.lpn}"
    assert Unit.get_by_id(plant.unit.id).quantity == 0


def test_signed_out_the_script_gets_a_panel_and_a_token_for_the_badge(client, plant):
    login(client, "operator1")
    stale = csrf_token(client, "/scan")
    client.post("/logout", data={"csrf_token": stale})
    refused = scan(client, stale, plant.unit.lpn, script=True, scan_id="s-1")
    assert refused.status_code == 401 and "Signed out: scan your badge" in refused.get_data(as_text=True)
    token = refused.headers["X-CSRF-Token"]
    wrong = client.post("/scan/badge", data={"csrf_token": token, "code": plant.unit.lpn},
                        headers={"X-Scan-Client": "1"})
    assert wrong.status_code == 401 and "not known here" in wrong.get_data(as_text=True)
    signed = client.post("/scan/badge", data={"csrf_token": token, "code": "B-1003"},
                         headers={"X-Scan-Client": "1"})
    assert signed.status_code == 200 and title(signed.get_data(as_text=True)).startswith("Signed in")
    again = scan(client, signed.headers["X-CSRF-Token"], plant.unit.lpn, script=True, scan_id="s-2")
    assert title(again.get_data(as_text=True)) == f"{plant.unit.lpn}: where to?"
    assert Entry.select().count() == 1  # the receipt only: sign-in wrote nothing


def test_the_service_worker_is_served_for_the_scan_scope_and_can_be_switched_off(client, plant, app):
    login(client, "operator1")
    page = client.get("/scan").get_data(as_text=True)
    url = re.search(r'data-sw-url="([^"]+)"', page).group(1)
    assert url.startswith("/scan-sw.js?v=") and 'data-sw-scope="/scan"' in page and 'data-offline="on"' in page
    worker = client.get(url)
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    assert worker.headers["Cache-Control"] == "no-cache"  # browsers see a new version at once
    assert b'req.method !== "GET"' in worker.get_data()  # it never answers a POST
    app.config["SCAN_OFFLINE"] = False
    assert 'data-offline="off"' in client.get("/scan").get_data(as_text=True)
    assert b"unregister()" in client.get(url).get_data()  # the worker that removes itself


def test_the_scanner_check_works_without_javascript(client, plant):
    from staging.domain.scan.scanner_check import EXPECTED, GS
    login(client, "operator1")
    token = csrf_token(client, "/scan/check")
    right = client.post("/scan/check", data={"csrf_token": token, "code": EXPECTED}).get_data(as_text=True)
    assert "The scanner is set up right" in right
    dropped = client.post("/scan/check", data={"csrf_token": token, "code": EXPECTED.replace(GS, "")})
    assert dropped.status_code == 200 and "The GS separator is dropped" in dropped.get_data(as_text=True)
    assert Entry.select().count() == 1  # the receipt: a check writes nothing
