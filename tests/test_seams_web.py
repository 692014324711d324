"""Where features meet, over the API (the test client): the machine's staged view after an output
pallet, a unit's shipped_at through a return, a held pallet moved to a lane, and a closed order's
unload refused with a clear sentence."""
from staging.domain import inventory
from staging.store.models import Unit

from .test_output import auth  # noqa: F401  (the fixture)
from .webutil import csrf_token, login


def test_the_machines_staged_view_has_no_wrong_material_after_an_output_ships(client, web_plant, auth):  # noqa: F811
    inventory.stage(web_plant.ctx(), web_plant.receive(qty="500"), "LANE-1", web_plant.wo)
    made = client.post("/api/outputs", json={"work_order": "WO-1", "quantity": 12}, headers=auth).json
    staged = client.get("/api/machines/M1/staged", headers=auth)
    assert staged.status_code == 200 and "wrong material" not in str(staged.json), staged.json
    client.post("/api/moves", json={"unit": made["lpn"], "to": "SHIP-1"}, headers=auth)
    assert "wrong material" not in str(client.get("/api/machines/M1/staged", headers=auth).json)


def test_a_units_shipped_at_is_there_while_shipped_and_gone_after_the_return(client, web_plant, auth):  # noqa: F811
    made = client.post("/api/outputs", json={"work_order": "WO-1", "quantity": 12}, headers=auth).json
    assert client.get(f"/api/units/{made['lpn']}", headers=auth).json["shipped_at"] is None
    client.post("/api/moves", json={"unit": made["lpn"], "to": "SHIP-1"}, headers=auth)
    shipped = client.get(f"/api/units/{made['lpn']}", headers=auth).json
    assert shipped["status"] == "shipped" and shipped["shipped_at"]
    inventory.return_shipped(web_plant.ctx("lead"), made["lpn"], "OUT-1", "customer sent it back")
    back = client.get(f"/api/units/{made['lpn']}", headers=auth).json
    assert back["status"] == "output" and back["shipped_at"] is None


def test_a_held_pallet_moved_to_a_lane_over_the_api_is_a_422_with_the_reason(client, web_plant, auth):  # noqa: F811
    pallet = web_plant.receive()
    inventory.hold(web_plant.ctx(), pallet, "Wet packaging")
    refused = client.post("/api/moves", json={"unit": pallet.lpn, "to": "LANE-1"}, headers=auth)
    assert refused.status_code == 422 and "held material does not go to a staging lane" in refused.json["detail"]
    assert Unit.get_by_id(pallet.id).location.code == "RCV-1"


def test_unloading_what_a_closed_order_left_needs_a_place(client, web_plant):
    loaded = web_plant.receive(qty="150")
    inventory.load(web_plant.ctx(), loaded, "M1", web_plant.wo)
    login(client, "operator1")
    token = csrf_token(client, "/work-orders/WO-1")
    page = client.post("/work-orders/WO-1/unload", data={"csrf_token": token, "unit": loaded.lpn, "to": " "},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Where does {loaded.lpn} go? Scan or type a storage location." in page
    assert Unit.get_by_id(loaded.id).location.code == "M1"
