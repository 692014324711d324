"""Numbers and dates read as written (SQLite and PostgreSQL): one number format per file, decided by a
value that reads one way only, else the importing person's locale; a value that reads two ways with
nothing to decide is refused with its line. Dates typed the reader's way are accepted."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from staging.domain import workorders
from staging.domain.errors import Invalid
from staging.domain.setup import imports, locations
from staging.domain.setup.stock import go_live_at
from staging.store.models import Location, Unit, WorkOrder

ZONE = ZoneInfo("Europe/Berlin")
GERMAN_ERP = "work_order;product;product_rev;quantity;machine;due;part;part_rev;part_qty;uom\n"


def test_german_thousands_in_an_erp_file_are_thousands_when_another_value_decides(plant):
    text = GERMAN_ERP + "WO-500;HSG-1;A;1.200;M1;;RES-100;B;2400,5;kg\n"  # 2400,5 reads one way only
    p = workorders.preview(text.encode(), ZONE)
    assert p.ok, [str(e) for r in p.bad_rows for e in r.errors]
    (wo,) = workorders.import_csv(plant.lead, text.encode(), ZONE)
    assert wo.quantity == 1200 and workorders.lines_of(wo)[0].quantity == Decimal("2400.5")


def test_a_value_that_reads_two_ways_with_nothing_to_decide_is_refused_with_its_line(plant):
    text = GERMAN_ERP + "WO-501;HSG-1;A;1.200;M1;;RES-100;B;5;kg\n"
    p = workorders.preview(text.encode(), ZONE)
    assert not p.ok
    assert [str(e) for e in p.rows[0].errors] == [
        "“1.200” reads as 1.2 or as 1200, and nothing in the file says which: write it without a thousands "
        "separator."]
    with pytest.raises(Invalid):
        workorders.import_csv(plant.lead, text.encode(), ZONE)
    assert not WorkOrder.select().where(WorkOrder.number == "WO-501").exists()


@pytest.mark.parametrize("locale, quantity", [("de", 1200), ("pl_PL", 1200), ("en", Decimal("1.2"))])
def test_else_the_importing_persons_locale_decides(plant, locale, quantity):
    text = GERMAN_ERP + "WO-502;HSG-1;A;1.200;M1;;RES-100;B;5;kg\n"
    (wo,) = workorders.import_csv(plant.lead, text.encode(), ZONE, locale=locale)
    assert wo.quantity == quantity


def test_one_file_writes_its_numbers_one_way(plant):
    text = GERMAN_ERP + ("WO-503;HSG-1;A;2.400,5;M1;;RES-100;B;5;kg\n"
                         "WO-504;HSG-1;A;1,200.5;M1;;RES-100;B;5;kg\n")
    p = workorders.preview(text.encode(), ZONE, locale="en")
    assert not p.rows[0].errors
    assert [str(e) for e in p.rows[1].errors] == [  # that one refusal, not a second about the same cell
        "“1,200.5” is written like 2,400.5, but line 2 writes this file's numbers like 2.400,5: a file writes "
        "its numbers one way."]


def test_an_erp_due_date_the_reader_s_way(plant):
    text = GERMAN_ERP + "WO-505;HSG-1;A;10;M1;31.12.2026 14:00;RES-100;B;5;kg\n"
    (wo,) = workorders.import_csv(plant.lead, text.encode(), ZONE)
    assert wo.due_at == datetime.datetime(2026, 12, 31, 13, 0)  # 14:00 in Berlin, stored in UTC


def test_a_stock_file_with_german_numbers_and_dates(plant):
    text = ("lpn;part;revision;quantity;lot;location;received\n"
            ";RES-100;B;1.000,5;L1;A-01-1;15.01.2025\n"
            ";RES-100;B;1.000;L2;LANE-1;16.01.2025\n")
    report = imports.run(plant.users["admin"], "stock", text.encode(), "stock.csv")
    assert report.written, [(r.number, str(r.error)) for r in report.bad]
    assert sorted(u.quantity for u in Unit.select().where(Unit.lot.in_(["L1", "L2"]))) == [1000, Decimal("1000.5")]
    assert Unit.get(Unit.lot == "L1").created_at.date() == datetime.date(2025, 1, 15)


def test_a_capacity_typed_with_a_decimal_comma(plant):
    location, _ = locations.save(plant.users["admin"], {"code": "B-9", "name": "Bin 9", "kind": "storage",
                                                        "capacity": "2,0"})
    assert Location.get(Location.code == "B-9").capacity == 2
    with pytest.raises(Invalid, match="reads as 1 or as 1000"):
        locations.save(plant.users["admin"], {"code": "B-10", "name": "Bin 10", "kind": "storage",
                                              "capacity": "1.000"})
    assert not Location.select().where(Location.code == "B-10").exists()


def test_go_live_the_reader_s_way(plant):
    assert go_live_at("31.12.2025", ZONE) == datetime.datetime(2025, 12, 30, 23, 0)
    assert go_live_at("2025-12-31 06:00", ZONE) == datetime.datetime(2025, 12, 31, 5, 0)
    with pytest.raises(Invalid, match="Go-live must be a date"):
        go_live_at("31.13.2025", ZONE)


@pytest.mark.parametrize("text", ["1" + ".000" * 100, "9" * 400, "1,2,3,4", "..5", "0x10", "1e3", "1_000", "٣"])
def test_odd_numbers_in_a_file_are_refused_by_their_field_not_a_crash(text):
    from staging.domain import readings
    from staging.domain.quantities import parse_quantity
    with pytest.raises(Invalid):
        parse_quantity(readings.in_format(text, readings.COMMA))


@pytest.mark.parametrize("text", ["1/2/3", "31.13.2025", "29.02.2025", "Dienstag", "2025-01-01 25:00"])
def test_odd_dates_are_refused(text):
    from staging.domain import readings
    with pytest.raises(Invalid):
        readings.moment(text, "de")
