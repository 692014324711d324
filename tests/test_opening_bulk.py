"""The bulk opening verb (inventory.opening_many) on SQLite and PostgreSQL: each pallet of a chunk
checked as the one-pallet verb checks it, the good ones written in one transaction with their
ledger rows and barcodes, the refused ones named with why and nothing written for them."""
import datetime
from decimal import Decimal

import pytest

from staging.domain import codes, inventory
from staging.domain.errors import DomainError, Forbidden
from staging.domain.inventory.ledger import verify
from staging.store.models import Barcode, Entry, Sequence, Unit

GO_LIVE = datetime.datetime(2026, 1, 5, 5, 0)


def ctx(plant, role="admin"):
    return inventory.Ctx(plant.users[role], device="import", at=GO_LIVE)


def test_good_pallets_are_booked_and_each_refused_one_says_why(plant):
    Pallet = inventory.Pallet
    pallets = [
        Pallet(plant.resin_b, "40", "A-01-1", lot="L1", lpn="OLD-1"),
        Pallet(plant.screw, "500", "LANE-1"),  # a new LPN
        Pallet(plant.resin_b, "10", "NOWHERE"),
        Pallet(plant.resin_b, "10", "A-01-3"),  # closed
        Pallet(plant.resin_b, "10", "A-01-2"),  # capacity 1: the first fits
        Pallet(plant.resin_b, "10", "A-01-2"),  # ... the second does not
        Pallet(plant.resin_b, "10", "A-01-1", lpn="OLD-1"),  # twice in the chunk
        Pallet(plant.resin_b, "0", "A-01-1"),
        Pallet(plant.resin_b, "10", "SCRAP"),
        Pallet(plant.resin_b, "10", "A-01-1", lpn="M1"),  # a location's code
    ]
    results = inventory.opening_many(ctx(plant), pallets)
    refused = {n: str(r) for n, r in enumerate(results) if isinstance(r, DomainError)}
    assert sorted(refused) == [2, 3, 5, 6, 7, 8, 9]
    assert "NOWHERE" in refused[2] and "closed" in refused[3] and "full (1 of 1)" in refused[5]
    assert "already in use" in refused[6] and "more than zero" in refused[7] and "scrap" in refused[8]
    assert "already in use" in refused[9]
    old, new, fits = results[0], results[1], results[4]
    assert old.lpn == "OLD-1" and new.lpn.startswith("P") and fits.location.code == "A-01-2"
    for unit in (old, new, fits):
        stored = Unit.get_by_id(unit.id)
        assert stored.status in ("stock", "staged") and stored.quantity > 0
        entry = Entry.get(Entry.unit == unit.id)
        assert entry.kind == "opening" and entry.at == GO_LIVE and entry.delta == stored.quantity
        assert codes.lookup(unit.lpn) == ("unit", unit.id)  # scannable by construction
    assert Unit.get_by_id(new.id).status == "staged" and Unit.get_by_id(new.id).quantity == Decimal("500")
    assert Unit.select().count() == 3 and verify() == []


def test_new_lpns_skip_codes_already_in_use(plant):
    Sequence.insert(name="lpn", value=0).on_conflict_ignore().execute()
    nxt = Sequence.get_by_id("lpn").value + 1
    Barcode.create(code=f"P{nxt:06d}", entity="location", entity_id=plant.bin1.id, source="own")
    results = inventory.opening_many(ctx(plant), [inventory.Pallet(plant.resin_b, "1", "A-01-1")] * 3)
    lpns = [unit.lpn for unit in results]
    assert f"P{nxt:06d}" not in lpns and len(set(lpns)) == 3


def test_only_an_admin_books_opening_stock(plant):
    with pytest.raises(Forbidden):
        inventory.opening_many(ctx(plant, "lead"), [inventory.Pallet(plant.resin_b, "1", "A-01-1")])
    assert Unit.select().count() == 0
