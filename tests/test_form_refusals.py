"""Master data refused field by field in the domain (SQLite and PostgreSQL): every wrong field of one
form at once, each under its field's name, nothing written; an import row still reads as one line."""
import pytest

from staging.domain.people.users import create_user
from staging.domain.setup import fields, imports, locations, parts, people
from staging.media import printing
from staging.store.models import Location, Part, Printer, User


@pytest.fixture
def admin(database):
    return create_user("boss", "admin", "password-123")


def refusals(call):
    with pytest.raises(fields.Refused) as refused:
        call()
    return {name: str(words) for name, words in refused.value.fields.items()}


def test_a_location_with_three_wrong_fields_is_refused_with_all_three(admin):
    said = refusals(lambda: locations.save(admin, {"code": "BIN 7", "name": "", "kind": "attic",
                                                   "capacity": "-3"}))
    assert set(said) == {"code", "name", "kind", "capacity"}
    assert said["kind"].startswith("Kind “attic” is not one of")
    assert Location.select().count() == 0


def test_a_part_and_a_person_name_each_wrong_field(admin):
    said = refusals(lambda: parts.save(admin, {"number": "RES-1", "gtin": "12345", "pack_qty": "-5",
                                               "shelf_life_days": "soon", "uom": "kilograms!"}))
    assert set(said) == {"gtin", "pack_qty", "shelf_life_days", "uom"}
    said = refusals(lambda: people.save(admin, {"username": "nina", "role": "boss", "badge": "BAD BADGE"},
                                        password="short"))
    assert set(said) == {"role", "badge", "password"}
    assert Part.select().count() == 0 and not User.select().where(User.username == "nina").exists()


def test_a_printer_says_what_is_wrong_with_its_host_and_its_port(admin):
    said = refusals(lambda: printing.save_printer(admin, "Dock", "not a host!!", "99999"))
    assert said == {"host": "“not a host!!” is not a host name or IP address: letters, digits, dots, colons and "
                            "dashes, like 10.0.4.21 or zebra-dock.plant.local.",
                    "port": "The port is a number from 1 to 65535 (Zebra printers: 9100), not “99999”."}
    assert Printer.select().count() == 0


def test_an_import_row_with_two_wrong_fields_says_both_on_its_line(admin):
    report = imports.run(admin, "locations", "code,name,kind,parent,capacity\nBIN 7,Bin,attic,,\n")
    assert "“BIN 7” is not a valid location code" in str(report.bad[0].error)
    assert "Kind “attic” is not one of" in str(report.bad[0].error)
