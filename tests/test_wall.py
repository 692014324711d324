"""Wall screens: `create-screen` prints a link that opens the screen with nobody signed in; the
token reads that screen (and its polled fragment) and nothing else; an admin lists and revokes.
And the desk's side of upkeep through HTTP: the lead's andon badge, closing a call, the machine
page's maintenance."""
import datetime
import re

import pytest

from staging.domain import logbook
from staging.domain.machines import andon, states, upkeep
from staging.domain.people.users import create_token
from staging.store.models import AndonCall, Location, MaintenanceDone, Screen, utcnow

from .plant import loc
from .webutil import csrf_token, login


@pytest.fixture
def cal(app):
    return logbook.Calendar.from_config(app.config)


LINK = re.compile(r"^http://[^/]+/wall/(wall_[\w-]+)$")


@pytest.fixture
def screen(runner, web_plant):
    result = runner.invoke(args=["create-screen", "Hall 2 door"])
    assert result.exit_code == 0, result.output
    match = LINK.match(result.output.strip().splitlines()[-1])
    assert match, result.output
    return match.group(1)


def test_the_link_opens_the_wall_without_signing_in_and_shows_what_is_due(client, screen, web_plant, cal):
    plant = web_plant
    upkeep.add_tool(plant.lead, "GA-1", "Bore gauge 40 mm", "gauge", machine=plant.machine,
                    calibration_due=utcnow() - datetime.timedelta(days=1))
    states.set_state(plant.operator, plant.machine, "down", "Breakdown")
    andon.call(plant.operator, "quality", plant.machine, cal)
    page = client.get(f"/wall/{screen}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Hall 2 door" in html
    assert "Bore gauge 40 mm" in html and "calibration overdue" in html
    assert "Breakdown" in html and "1 open andon call" in html
    assert "Machine state: <b>down</b>" in html  # on the board's tile too
    assert 'hx-trigger="every 10s"' in html and f"/wall/{screen}/live" in html
    assert "Set-Cookie" not in page.headers or "session" not in page.headers.get("Set-Cookie", "")
    live = client.get(f"/wall/{screen}/live", headers={"HX-Request": "true"})
    assert live.status_code == 200 and "Bore gauge 40 mm" in live.get_data(as_text=True)
    assert "<html" not in live.get_data(as_text=True)
    assert Screen.get().last_seen_at is not None


def test_a_printer_without_paper_shows_on_the_wall_as_on_the_floor_board(client, screen, web_plant):
    """The wall shows the floor board, printers included: a printer out of paper is said there too."""
    from staging.media import printing, printqueue
    from staging.store.models import Printer

    from .printer_peer import PrinterPeer
    peer = PrinterPeer(paper_out=True)
    try:
        printing.save_printer(web_plant.users["admin"], "Floor Zebra", "127.0.0.1", peer.port, serves="M1")
        printqueue.check(Printer.get(Printer.name == "Floor Zebra"), answer_timeout=0.5)
        for path in (f"/wall/{screen}", f"/wall/{screen}/live"):
            page = client.get(path, headers={"HX-Request": "true"} if path.endswith("live") else {})
            assert page.status_code == 200 and "Floor Zebra" in page.get_data(as_text=True), path
    finally:
        peer.close()


def test_the_token_opens_nothing_else(client, screen, web_plant):
    bearer = {"Authorization": f"Bearer {screen}"}
    for path in ("/api/locations", "/api/tasks", "/api/units/P000001"):
        assert client.get(path, headers=bearer).status_code == 401
    assert client.get("/labels/locations/M1.svg", headers=bearer).status_code in (401, 403)
    assert client.get(f"/wall/{screen}/settings").status_code == 404
    assert client.get(f"/wall/{screen}x").status_code == 404
    assert client.get("/wall/stg_" + screen[5:]).status_code == 404
    # Nor is the screen's page a way in: the floor and the calls still ask for a sign-in.
    assert client.get("/floor").status_code == 302 and client.get("/andon").status_code == 302


def test_an_api_token_is_no_screen(client, web_plant):
    token = create_token("lead1")
    assert client.get(f"/wall/{token}").status_code == 404


def test_an_admin_lists_and_revokes_a_screen_then_its_link_says_so(client, screen, web_plant):
    login(client, "lead1")
    assert client.get("/admin/screens").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/floor")})
    login(client, "admin1")
    listing = client.get("/admin/screens").get_data(as_text=True)
    assert "Hall 2 door" in listing
    assert "/admin/screens" in client.get("/setup").get_data(as_text=True)
    found = Screen.get()
    done = client.post(f"/admin/screens/{found.id}/revoke", data={"csrf_token": csrf_token(client, "/admin/screens")},
                       follow_redirects=True)
    assert "is switched off" in done.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/floor")})
    refused = client.get(f"/wall/{screen}")
    assert refused.status_code == 403 and "switched off by an admin" in refused.get_data(as_text=True)
    assert client.get(f"/wall/{screen}/live").status_code == 403


def test_an_admin_makes_a_screen_on_the_page_and_a_nameless_one_is_refused(client, web_plant):
    login(client, "admin1")
    token = csrf_token(client, "/admin/screens")
    refused = client.post("/admin/screens", data={"csrf_token": token, "name": "  "})
    assert refused.status_code == 422 and "Name the screen" in refused.get_data(as_text=True)
    assert Screen.select().count() == 0
    made = client.post("/admin/screens", data={"csrf_token": token, "name": "Canteen"})
    link = re.search(r"/wall/(wall_[\w-]+)", made.get_data(as_text=True)).group(1)
    assert client.get(f"/wall/{link}").status_code == 200


def test_the_create_screen_command_refuses_a_nameless_screen(runner, web_plant):
    result = runner.invoke(args=["create-screen", " "])
    assert result.exit_code == 1 and "Name the screen" in result.output


def test_a_lead_sees_open_calls_in_the_header_and_closes_one_with_what_was_done(client, web_plant, cal):
    plant = web_plant
    call = andon.call(plant.operator, "safety", plant.machine, cal)
    login(client, "lead1")
    assert "Andon: 1 open" in client.get("/floor").get_data(as_text=True)
    assert "Andon: 1 open" in client.get("/andon/badge", headers={"HX-Request": "true"}).get_data(as_text=True)
    token = csrf_token(client, "/andon")
    refused = client.post(f"/andon/{call.id}/close", data={"csrf_token": token, "what_was_done": ""})
    assert refused.status_code == 422 and "Write what was done" in refused.get_data(as_text=True)
    assert AndonCall.get_by_id(call.id).closed_at is None
    client.post(f"/andon/{call.id}/acknowledge", data={"csrf_token": token})
    closed = client.post(f"/andon/{call.id}/close", data={"csrf_token": token, "what_was_done": "Spill cleaned"},
                         follow_redirects=True)
    assert "Spill cleaned" in closed.get_data(as_text=True)
    badge = client.get("/andon/badge").get_data(as_text=True)
    assert 'id="andon-badge"' in badge and "Andon" not in badge  # nothing open: an empty placeholder


def test_an_operator_has_no_andon_badge(client, web_plant):
    login(client, "operator1")
    assert "andon-badge" not in client.get("/floor").get_data(as_text=True)


def test_the_machine_page_shows_maintenance_due_and_a_lead_records_it_done(client, web_plant):
    plant = web_plant
    plan = upkeep.add_plan(plant.lead, "Grease the spindle", machine=plant.machine, every_days="30",
                           now=utcnow() - datetime.timedelta(days=31))
    login(client, "lead1")
    page = client.get("/machines/M1").get_data(as_text=True)
    assert "Grease the spindle" in page and "overdue since" in page
    assert "1 maintenance or calibration overdue" in client.get("/floor").get_data(as_text=True)
    token = csrf_token(client, "/machines/M1")
    refused = client.post(f"/maintenance/plans/{plan.id}/done",
                          data={"csrf_token": token, "notes": "", "next": "/machines/M1", "machine": "M1"})
    assert refused.status_code == 422 and "Write what was done" in refused.get_data(as_text=True)
    assert MaintenanceDone.select().count() == 0
    done = client.post(f"/maintenance/plans/{plan.id}/done", follow_redirects=True,
                       data={"csrf_token": token, "notes": "Greased", "next": "/machines/M1", "machine": "M1"})
    assert done.status_code == 200 and "Recorded as done" in done.get_data(as_text=True)
    history = client.get("/machines/M1/maintenance").get_data(as_text=True)
    assert "Greased" in history and "lead1" in history


def test_a_lead_plans_maintenance_and_adds_a_gauge_with_its_label(client, web_plant):
    login(client, "lead1")
    token = csrf_token(client, "/maintenance")
    refused = client.post("/maintenance/plans", data={"csrf_token": token, "machine": "M1", "name": "Oil"})
    assert refused.status_code == 422 and "either" in refused.get_data(as_text=True)
    client.post("/maintenance/plans", data={"csrf_token": token, "machine": "M2", "name": "Oil", "every_days": "14"})
    client.post("/maintenance/tools", data={"csrf_token": token, "code": "GA-2", "name": "Micrometer", "kind": "gauge",
                                            "machine": "M2", "calibration_due": "2020-01-31", "every_days": "365"})
    page = client.get("/maintenance").get_data(as_text=True)
    assert "Oil" in page and "Micrometer" in page and "overdue since 2020-01-31" in page
    label = client.get("/maintenance/tools/GA-2.pdf")
    assert label.status_code == 200 and label.data.startswith(b"%PDF")


def test_a_floor_bigger_than_the_tv_goes_round_a_page_at_each_refresh(client, screen, web_plant):
    for n in range(1, 31):
        loc(f"P{n:02d}", "machine", name=f"Press {n}")
    states.set_state(web_plant.lead, "P30", "down", "Breakdown")
    codes = [m.code for m in Location.select().where(Location.kind.in_(("machine", "output")), Location.active,
                                                    Location.holds_units).order_by(Location.sort_key, Location.code)]
    assert 24 < len(codes) <= 36  # three pages of 12
    seen, page = [], f"/wall/{screen}"
    for number in (1, 2, 3, 1):
        html = client.get(page).get_data(as_text=True)
        tiles = re.findall(r'<span class="tile-head"><b>([^<]+)</b>', html)
        assert 0 < len(tiles) <= 12 and f"page {number} of 3" in html
        # The legend counts the whole floor, whatever the page shows.
        legend = re.search(r'<p class="legend">(.*?)</p>', html, re.S).group(1)
        assert sum(int(n) for n in re.findall(r'class="st st-\w+">(\d+) ', legend)) == len(codes)
        seen.append(tiles)
        page = re.search(r'<main id="wall" hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert seen[0] + seen[1] + seen[2] == codes  # every tile once, in the board's order
    assert seen[3] == seen[0]  # and round again
    assert "P30" in seen[2] and "Breakdown" in client.get(f"/wall/{screen}/live?page=2").get_data(as_text=True)
