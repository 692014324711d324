"""The printers' API: add a printer (admins), list the fleet with each printer's ~HS status and queue,
print labels (202 with the job, sent or waiting) and follow a job, against a real TCP printer peer."""
from staging.domain.people.users import create_token
from staging.media import printsender

from .printer_peer import PrinterPeer


def bearer(username):
    return {"Authorization": f"Bearer {create_token(username)}"}


def test_a_label_for_a_printer_without_paper_is_accepted_waits_says_why_and_prints_once(client, web_plant):
    peer = PrinterPeer(paper_out=True)
    try:
        admin = bearer("admin1")
        added = client.post("/api/printers", headers=admin,
                            json={"name": "Floor Zebra", "host": "127.0.0.1", "port": peer.port, "serves": "R-A"})
        assert added.status_code == 201, added.json
        assert (added.json["status"], added.json["serves"], added.json["queued"]) == ("paper_out", "R-A", 0)
        unit = web_plant.receive()
        stager = bearer("stager1")
        answer = client.post("/api/print", headers=stager,
                             json={"printer": "Floor Zebra", "kind": "unit", "codes": [unit.lpn], "copies": 1})
        assert answer.status_code == 202
        job = answer.json["job"]
        assert answer.json["state"] == "queued" and answer.json["error"] == "Floor Zebra has no paper"
        [printer] = client.get("/api/printers", headers=stager).json
        assert {k: printer[k] for k in ("name", "host", "port", "serves", "status", "queued")} == {
            "name": "Floor Zebra", "host": "127.0.0.1", "port": peer.port, "serves": "R-A", "status": "paper_out",
            "queued": 1}
        assert printer["checked_at"] and printer["status_reason"] == "Floor Zebra has no paper"

        peer.set()  # paper back: the background sender prints it
        assert printsender.Sender(waiting_every=0, idle_every=0).run_once() == 1
        done = client.get(f"/api/print/{job}", headers=stager).json
        assert (done["state"], done["printer"], done["attempts"], done["error"]) == ("sent", "Floor Zebra", 1, None)
        assert done["waited"] == "Floor Zebra has no paper"  # why it was late, kept
        assert len(peer.wait(1)) == 1 and unit.lpn.encode() in peer.jobs[0]
        assert client.get("/api/printers", headers=stager).json[0]["status"] == "ready"
    finally:
        peer.close()


def test_the_same_request_id_makes_one_job(client, web_plant):
    peer = PrinterPeer()
    try:
        client.post("/api/printers", headers=bearer("admin1"), json={"name": "Dock", "host": "127.0.0.1",
                                                                      "port": peer.port})
        unit, stager = web_plant.receive(), bearer("stager1")
        body = {"printer": "Dock", "kind": "unit", "codes": [unit.lpn], "request_id": "erp-77"}
        first, again = (client.post("/api/print", headers=stager, json=body) for _ in range(2))
        assert first.json["job"] == again.json["job"] and first.json["state"] == "sent"
        assert len(peer.wait(1)) == 1
    finally:
        peer.close()


def test_refusals_say_why_and_write_nothing(client, web_plant):
    lead, admin = bearer("lead1"), bearer("admin1")
    refused = client.post("/api/printers", headers=lead, json={"name": "P", "host": "127.0.0.1", "port": 9100})
    assert refused.status_code == 403
    bad = client.post("/api/printers", headers=admin, json={"name": "P", "host": "10.0.0.1; rm", "port": 70000})
    assert bad.status_code == 422 and "not a host name" in bad.json["detail"]
    assert client.get("/api/printers", headers=admin).json == []
    unknown = client.post("/api/print", headers=admin, json={"printer": "Nope", "kind": "unit", "codes": ["X"]})
    assert unknown.status_code == 404 and "No printer named" in unknown.json["detail"]
    assert client.get("/api/print/999", headers=admin).status_code == 404
    operator = client.post("/api/print", headers=bearer("operator1"),
                           json={"printer": "Nope", "kind": "unit", "codes": ["X"]})
    assert operator.status_code == 404


def test_the_printers_api_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert {"post", "get"} <= set(paths["/api/printers"])
    assert set(paths["/api/print"]["post"]["responses"]) >= {"202", "404", "422"}
    assert "/api/print/{job_id}" in paths


def test_the_floor_board_says_which_printer_cannot_print_on_the_tiles_it_serves(client, web_plant):
    from staging.media import printing, printqueue
    from staging.store.models import Printer

    from .test_labels import refused_port
    from .webutil import login
    printing.save_printer(web_plant.users["admin"], "M1 Zebra", "127.0.0.1", refused_port(), serves="M1")
    login(client, "lead1")
    assert "printer-down" not in client.get("/floor").get_data(as_text=True)  # never asked: nothing said
    printqueue.check(Printer.get(Printer.name == "M1 Zebra"), answer_timeout=0.3)
    page = client.get("/floor").get_data(as_text=True)
    assert "Printer: M1 Zebra does not answer (refused the connection), since" in page
    tile = page[page.index('href="/machines/M1"'):page.index('href="/machines/M2"')]
    assert "tile-printer" in tile and "M1 Zebra does not answer" in tile
