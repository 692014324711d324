"""Refusals say what was refused: the settings page says it is about settings, a huge quantity is
refused in plain words, and operators are not offered forms that would only refuse them."""
from staging.domain.people.users import create_token
from staging.store.models import Setting, WorkOrder

from .webutil import csrf_token, login


def test_a_lead_on_the_settings_page_is_told_only_an_admin_changes_settings(client, web_plant):
    login(client, "lead1")
    for response in (client.get("/settings"),
                     client.post("/settings", data={"csrf_token": csrf_token(client, "/inventory"),
                                                    "SHIFTS": "Day=06:00-18:00"})):
        html = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "only an admin or above may change the plant&#39;s settings" in html
        assert "manage users" not in html
    assert not Setting.select().where(Setting.name == "SHIFTS").exists()


def test_a_quantity_of_1e23_is_refused_in_plain_words(client, web_plant):
    auth = {"Authorization": "Bearer " + create_token("stager1")}
    response = client.post("/api/receipts", headers=auth, json={"part": "RES-100", "revision": "B", "quantity": 1e23})
    assert response.status_code == 422
    detail = response.json["detail"]
    assert detail == "Quantity is too large: it must be less than 1000000000."
    assert "10000000000000000000" not in detail


def test_an_operator_is_not_offered_the_work_order_form(client, web_plant):
    login(client, "operator1")
    for path in ("/work-orders/WO-1/edit", "/work-orders/new"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 403 and "Only a lead or above may change work orders." in html
        assert 'name="quantity"' not in html and "<form method=\"post\" action=\"/work-orders" not in html
    refused = client.post("/work-orders/WO-1/edit", data={"csrf_token": csrf_token(client, "/inventory"),
                                                          "number": "WO-1", "quantity": "120"})
    assert refused.status_code in (403, 422) and "only a lead or above may change work orders" in \
        refused.get_data(as_text=True)
    assert WorkOrder.get(WorkOrder.number == "WO-1").quantity != 120
    login(client, "lead1")
    assert 'name="quantity"' in client.get("/work-orders/WO-1/edit").get_data(as_text=True)


def test_an_operator_sees_the_line_side_places_without_their_forms(client, web_plant):
    login(client, "operator1")
    html = client.get("/tasks/places").get_data(as_text=True)
    assert "Line-side places" in html and "Add a line-side place" not in html
