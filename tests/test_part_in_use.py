"""A part the plant uses keeps its unit of measure (11 kg never reads 11 g), is not switched off under
an open work order, and a location's capacity is not set below what it holds, without a word."""
import pytest

from staging.domain import inventory
from staging.domain.errors import Invalid
from staging.domain.people.users import create_token
from staging.domain.setup import locations, parts
from staging.store.models import Location, Part, Unit


def test_the_unit_of_measure_stays_while_units_or_open_lines_use_it(plant):
    unit = plant.receive(qty="11")
    with pytest.raises(Invalid, match="is counted in kg: 1 unit.s. in the plant and open work orders WO-1 use it"):
        parts.change(plant.lead, "RES-100", "B", {"uom": "g"})
    assert Part.get_by_id(plant.resin_b.id).uom == "kg" and Unit.get_by_id(unit.id).quantity == 11
    parts.change(plant.lead, "RES-100", "A", {"uom": "g"})  # revision A: no stock, no open line
    assert Part.get_by_id(plant.resin_a.id).uom == "g"


def test_a_part_an_open_order_needs_is_not_switched_off(plant):
    plant.receive(qty="11")
    with pytest.raises(Invalid, match="cannot be switched off: open work orders WO-1 need it, with 1 unit"):
        parts.deactivate(plant.lead, "RES-100", "B")
    assert Part.get_by_id(plant.resin_b.id).active


def test_a_capacity_below_what_a_location_holds_says_so(plant):
    for _ in range(3):
        inventory.move(plant.ctx(), plant.receive().lpn, "A-01-1")
    with pytest.raises(Invalid, match="A-01-1 holds 3 units now: a capacity of 2 is less"):
        locations.save(plant.lead, {"code": "A-01-1", "capacity": "2"})
    assert Location.get(Location.code == "A-01-1").capacity is None
    locations.save(plant.lead, {"code": "A-01-1", "capacity": "3"})
    assert Location.get(Location.code == "A-01-1").capacity == 3


def test_the_api_patch_refuses_a_new_uom_with_stock_on_hand(client, web_plant):
    web_plant.receive(qty="11")
    headers = {"Authorization": f"Bearer {create_token('lead1')}"}
    response = client.patch("/api/parts/RES-100?revision=B", json={"uom": "g"}, headers=headers)
    assert response.status_code == 422
    assert "its unit of measure cannot become g" in response.json["detail"]
    assert Part.get_by_id(web_plant.resin_b.id).uom == "kg"
