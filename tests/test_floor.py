"""The machine page, the floor board, work order pages and QC holds through HTTP, and in Chromium:
the machine page shows a move made through the API within seconds, without a reload."""
import re

import pytest

from staging.domain import inventory
from staging.domain.people.users import create_token
from staging.store.models import Unit, WorkOrder

from .webutil import csrf_token, login


@pytest.fixture
def plant(web_plant):
    """The web plant with 200 kg of resin staged in LANE-1 for WO-1."""
    plant = web_plant
    plant.unit = plant.receive(qty="200")
    inventory.stage(plant.ctx(), plant.unit, "LANE-1", plant.wo)
    return plant


@pytest.fixture
def lead(client, plant):
    login(client, "lead1")
    return client


def test_machine_page_shows_required_staged_and_short(lead, plant):
    html = lead.get("/machines/M1").get_data(as_text=True)
    assert 'hx-trigger="every 3s"' in html and 'id="machine-body"' in html
    assert "WO-1" in html and plant.unit.lpn in html and "LANE-1" in html
    row = re.search(r'<tr class="short">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'class="num">(?:<b>)?([^<]*)', row) == ["500", "200", "0", "0", "0", "300"]


def test_the_poll_gets_only_the_fragment(lead, plant):
    response = lead.get("/machines/M1", headers={"HX-Request": "true", "HX-Target": "machine-body"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "WO-1" in html and "HX-Target" in response.headers["Vary"]
    assert lead.get("/machines/LANE-1").status_code == 404


def test_floor_board_colours_and_links(lead, plant):
    html = lead.get("/floor").get_data(as_text=True)
    assert 'class="tile st-soon"' in html and 'href="/machines/M1"' in html
    assert 'class="tile st-idle"' in html  # M2 has no work order
    frag = lead.get("/floor", headers={"HX-Request": "true", "HX-Target": "board"}).get_data(as_text=True)
    assert "<html" not in frag and "/machines/M1" in frag


def test_work_orders_are_created_by_leads_only(client, plant):
    login(client, "operator1")
    form = {"csrf_token": csrf_token(client, "/work-orders/new"), "number": "WO-9", "product": "HSG-1",
            "product_rev": "A", "quantity": "5", "machines": "M1", "status": "planned",
            "part": ["RES-100", ""], "revision": ["B", ""], "line_quantity": ["7", ""], "uom": ["", ""]}
    response = client.post("/work-orders/new", data=form)
    assert response.status_code == 422 and "only a lead or above" in response.get_data(as_text=True)
    login(client, "lead1")
    response = client.post("/work-orders/new", data={**form, "csrf_token": csrf_token(client, "/work-orders/new")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/work-orders/WO-9")
    assert WorkOrder.get(WorkOrder.number == "WO-9").lines.count() == 1


def test_csv_import_previews_then_imports_and_escapes_hostile_cells(lead, plant):
    header = "work_order,product,product_rev,quantity,machine,output_station,status,due,part,part_rev,part_qty,uom\n"
    good = header + "WO-50,HSG-1,A,10,M1,,planned,,RES-100,B,20,kg\n"
    token = csrf_token(lead, "/work-orders/import")
    upload = (__import__("io").BytesIO(good.encode()), "wo.csv")
    response = lead.post("/work-orders/import", data={"csrf_token": token, "file": upload})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "New work order WO-50" in html and 'name="confirm"' in html
    assert not WorkOrder.select().where(WorkOrder.number == "WO-50").exists()
    response = lead.post("/work-orders/import", data={"csrf_token": token, "confirm": "1", "text": good})
    assert response.status_code == 302
    assert WorkOrder.select().where(WorkOrder.number == "WO-50").exists()

    hostile = header + "WO-51,<img src=x onerror=alert(1)>,A,10,M1,,planned,,RES-100,B,20,kg\n"
    html = lead.post("/work-orders/import", data={"csrf_token": token, "text": hostile}).get_data(as_text=True)
    assert "<img" not in html.lower() and "&lt;img src=x" in html.lower() and 'name="confirm"' not in html


def test_hold_and_release_through_the_page(client, plant):
    login(client, "operator1")
    path = f"/units/{plant.unit.lpn}/hold"
    client.post(path, data={"csrf_token": csrf_token(client, path), "reason": "Torn wrap"})
    assert Unit.get_by_id(plant.unit.id).status == "hold"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "action": "release", "reason": "ok"})
    assert response.status_code == 422 and "only a lead or above" in response.get_data(as_text=True)
    login(client, "lead1")
    client.post(path, data={"csrf_token": csrf_token(client, path), "action": "release", "reason": "Rewrapped"})
    html = client.get(path).get_data(as_text=True)
    assert "Torn wrap" in html and "Rewrapped" in html and "operator1" in html


def test_a_correction_through_the_work_order_page(lead, plant):
    inventory.load(plant.ctx(), plant.unit, "M1", plant.wo)
    entry = inventory.consume(plant.ctx(), plant.unit, "50").entry
    token = csrf_token(lead, "/work-orders/WO-1")
    lead.post("/work-orders/WO-1/corrections", data={"csrf_token": token, "entry": entry.id, "quantity": "45",
                                                     "reason": "scale was off"})
    html = lead.get("/work-orders/WO-1").get_data(as_text=True)
    assert f"reverses #{entry.id}" in html and "Correction of entry" in html


@pytest.mark.browser
def test_machine_page_updates_after_a_move_through_the_api(page, live_server, plant):
    token = create_token("operator1")
    extra = plant.receive(qty="300")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/login?next=/machines/M1")
    page.fill("input[name=username]", "lead1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + "/machines/M1")
    assert extra.lpn not in page.inner_text("#machine-body")
    page.evaluate("window.__marker = 'same page'")
    page.evaluate("window.scrollTo(0, 120)")
    scrolled = page.evaluate("window.scrollY")

    import json
    import urllib.request
    request = urllib.request.Request(
        live_server + "/api/moves", method="POST",
        data=json.dumps({"unit": plant.unit.lpn, "to": "M1", "client_scan_id": "browser-1"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert urllib.request.urlopen(request).status == 201

    # The polled fragment shows the pallet on the machine...
    page.wait_for_selector(f"ul.loaded >> text={plant.unit.lpn}", timeout=15000)
    # ... in the same page (no reload), where the reader was.
    assert page.evaluate("window.__marker") == "same page"
    assert page.evaluate("window.scrollY") == scrolled
