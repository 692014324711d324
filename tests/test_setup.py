"""Plant set-up in the domain (SQLite and PostgreSQL): master data by function and by import,
opening stock, who changed what, and the barcodes everything scannable must have."""
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook

from staging.domain import codes
from staging.domain.errors import Forbidden, Invalid
from staging.domain.inventory.ledger import verify
from staging.domain.people.users import create_user
from staging.domain.setup import audit, checklist, imports, locations, parts, people
from staging.store.models import Barcode, Entry, Location, MasterChange, Part, Unit, User

LOCATIONS = """code,name,kind,parent,capacity
A-01-1,Rack A bay 1 level 1,storage,R-A,2
A-01-2,Rack A bay 1 level 2,storage,R-A,2
R-A,Rack A,storage,WH,
WH,Warehouse,storage,,
LANE-1,Lane 1,staging,,4
"""
PARTS = "number,revision,description,uom,gtin,shelf_life_days\nRES-1,B,Resin,kg,09501101530003,30\nBOX-1,,Carton,ea,,\n"


@pytest.fixture
def admin(database):
    return create_user("boss", "admin", "password-123")


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_locations_import_builds_the_tree_parents_first_and_every_one_scans(admin):
    report = imports.run(admin, "locations", LOCATIONS, "locations.csv")
    assert report.ok and report.written, [(r.number, r.error) for r in report.rows]
    assert report.count("created") == 5
    bin_ = Location.get(code="A-01-1")
    assert bin_.parent.code == "R-A" and bin_.parent.parent.code == "WH" and bin_.capacity == 2
    assert not Location.get(code="R-A").holds_units and bin_.holds_units  # a parent is an area
    assert codes.find("A-01-1") == bin_ and codes.find("WH") is not None
    assert checklist.missing_barcodes() == []
    change = audit.changes("location", "A-01-1")[0]
    assert change.by == "boss" and change.before is None and change.after["parent"] == "R-A"


def test_a_bad_file_lists_every_bad_row_and_writes_nothing(admin):
    text = LOCATIONS + "B-1,Bin,freezer,,\nB-2,Bin,storage,NOPE,\nB-3,Bin,storage,,-1\nA-01-1,Again,storage,,\n"
    report = imports.run(admin, "locations", text)
    assert not report.written
    assert {r.number: str(r.error) for r in report.bad} == {
        7: "Kind “freezer” is not one of: receiving, storage, staging, machine, output, qc_hold, scrap, shipping.",
        8: "The parent NOPE is not a location (add it first, or above this row in the file).",
        9: "Capacity must be a whole number of at least 1, not “-1”.",
        10: "A-01-1 is also on line 2.",
    }
    assert Location.select().count() == 0 and Barcode.select().count() == 0 and MasterChange.select().count() == 0


def test_accepting_the_good_rows_writes_only_them(admin):
    report = imports.run(admin, "locations", LOCATIONS + "B-1,Bin,freezer,,\n", accept_good=True)
    assert report.written and len(report.bad) == 1
    assert Location.select().count() == 5 and not Location.select().where(Location.code == "B-1").exists()


def test_a_dry_run_says_what_would_happen_and_writes_nothing(admin):
    report = imports.run(admin, "locations", LOCATIONS, dry_run=True)
    assert report.ok and not report.written and report.count("created") == 5
    assert Location.select().count() == 0


def test_reimport_updates_by_code_and_records_before_and_after(admin):
    imports.run(admin, "locations", LOCATIONS)
    again = imports.run(admin, "locations", LOCATIONS.replace("Lane 1,staging,,4", "Lane one,staging,,6"))
    assert again.written and again.count("updated") == 1 and again.count("unchanged") == 4
    lane = Location.get(code="LANE-1")
    assert (lane.name, lane.capacity) == ("Lane one", 6)
    change = audit.changes("location", "LANE-1")[0]
    assert change.fields == [("name", "Lane 1", "Lane one"), ("capacity", 4, 6)]


def test_a_location_holding_units_cannot_be_closed(admin):
    imports.run(admin, "locations", LOCATIONS)
    imports.run(admin, "parts", PARTS)
    imports.run(admin, "stock", "lpn,part,revision,quantity,lot,location\nP-9,RES-1,B,100,L1,A-01-1\n")
    with pytest.raises(Invalid, match="A-01-1 holds 1 unit: it cannot be closed until they are moved away"):
        locations.deactivate(admin, "A-01-1")
    assert locations.deactivate(admin, "A-01-2").active is False


def test_leads_may_change_locations_operators_may_not(admin):
    lead = create_user("lena", "lead", "password-123")
    operator = create_user("olga", "operator", "password-123")
    assert locations.save(lead, {"code": "X-1", "name": "X", "kind": "storage"})[1] == "created"
    with pytest.raises(Forbidden):
        locations.save(operator, {"code": "X-2", "name": "X", "kind": "storage"})


def test_the_range_generator_makes_288_bins(admin):
    locations.save(admin, {"code": "WH", "name": "Warehouse", "kind": "storage", "holds_units": "no"})
    made = locations.generate(admin, "", "A-F", "1-12", "1-4", parent="WH", capacity="2")
    assert len(made) == 288 and made[0] == "A-01-1" and made[-1] == "F-12-4"
    assert Location.select().where(Location.parent == Location.get(code="WH")).count() == 288
    with pytest.raises(Invalid, match="288 of these codes exist already"):
        locations.generate(admin, "", "A-F", "1-12", "1-4")


def test_parts_from_xlsx_with_a_bad_gtin_refused(admin):
    data = xlsx([["number", "revision", "description", "uom", "gtin", "pack_qty"],
                 ["RES-1", "B", "Resin", "kg", "09501101530003", 1000],
                 ["RES-2", "A", "Resin 2", "kg", "09501101530004", None]])
    report = imports.run(admin, "parts", data, "parts.xlsx")
    assert [(r.number, str(r.error)) for r in report.bad] == [
        (3, "GTIN “09501101530004” is not valid: 8, 12, 13 or 14 digits with a right check digit.")]
    assert Part.select().count() == 0
    report = imports.run(admin, "parts", data, "parts.xlsx", accept_good=True)
    part = Part.get(number="RES-1")
    assert (part.gtin, part.pack_qty, part.uom) == ("09501101530003", Decimal("1000"), "kg")


def test_people_import_refuses_duplicate_badges_and_people_who_cannot_sign_in(admin):
    create_user("omar", "operator", badge="B-100")
    text = ("username,display_name,role,badge,language\nolga,Olga,operator,B-200,de\n"
            "sam,Sam,stager,B-100,\nnobody,No Way,operator,,\nlena,Lena,chef,B-300,\n")
    report = imports.run(admin, "users", text)
    assert {r.number: str(r.error) for r in report.bad} == {
        3: "Badge B-100 is already omar's.",
        4: "nobody would have no way to sign in: give a password or a badge.",
        5: "Role must be one of: operator, stager, lead, admin.",
    }
    assert not User.select().where(User.username == "olga").exists()
    imports.run(admin, "users", text, accept_good=True)
    olga = User.get(username="olga")
    assert (olga.language, codes.find("B-200")) == ("de", olga)


def test_people_edit_deactivate_and_the_last_admin(admin):
    people.save(admin, {"username": "olga", "role": "operator", "badge": "B-1"})
    people.save(admin, {"username": "olga", "role": "stager", "display_name": "Olga S."})
    assert User.get(username="olga").role == "stager"
    people.deactivate(admin, "olga")
    assert not User.get(username="olga").active
    with pytest.raises(Invalid, match="You cannot switch yourself off"):
        people.deactivate(admin, "boss")
    create_user("ada", "admin", "password-123")
    people.save(admin, {"username": "ada", "role": "lead"})
    with pytest.raises(Invalid, match="boss is the last active admin: make another admin first"):
        people.save(admin, {"username": "boss", "role": "lead"})
    assert [c.fields for c in audit.changes("user", "ada")] == [[("role", "admin", "lead")]]


def test_opening_stock_is_its_own_ledger_kind_dated_at_go_live(admin):
    imports.run(admin, "locations", LOCATIONS)
    imports.run(admin, "parts", PARTS)
    go_live = datetime.datetime(2025, 1, 1, 5, 0)
    text = ("lpn,part,revision,quantity,lot,location,received\nOLD-1,RES-1,B,800,L7,A-01-1,2024-12-01\n"
            ",BOX-1,,50,,LANE-1,\n,RES-1,A,10,,A-01-1,\n,RES-1,B,10,,WH,\n")
    report = imports.run(admin, "stock", text, go_live=go_live)
    assert {r.number: str(r.error) for r in report.bad} == {
        4: "No part “RES-1” rev A.",
        5: "WH is Warehouse, which holds no pallets: name a bin, lane, machine or station in the location column.",
    }
    report = imports.run(admin, "stock", text, go_live=go_live, accept_good=True)
    old = Unit.get(lpn="OLD-1")
    entry = Entry.get(Entry.unit == old)
    assert (entry.kind, entry.at, old.quantity, old.location.code) == ("opening", go_live, 800, "A-01-1")
    assert old.expires_on == datetime.date(2024, 12, 31)  # received + 30 days' shelf life
    assert codes.find("OLD-1") == old and verify() == []
    assert Unit.get(Unit.lpn != "OLD-1").status == "staged"
    again = imports.run(admin, "stock", text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n", go_live=go_live)
    assert again.written and again.count("already_imported") == 1 and Unit.select().count() == 2


def test_file_problems_in_words(admin):
    assert str(imports.run(admin, "parts", "number,description\nX,Y\n").problem).startswith(
        "The first line must name the columns; missing: revision, uom, gtin")
    header = "number,revision,description,uom,gtin,colour\n"
    assert "Unknown column: colour" in str(imports.run(admin, "parts", header).problem)
    workbook = imports.run(admin, "parts", b"PK\x03\x04junk", "x.xlsx")
    assert "cannot be read as an Excel workbook" in str(workbook.problem)
    assert str(imports.run(admin, "parts", b"").problem) == "The file is empty."


def test_templates_import_as_they_are(admin):
    for kind in ("locations", "parts"):
        report = imports.run(admin, kind, imports.template(kind), dry_run=True)
        assert report.ok, [(r.number, r.error) for r in report.rows]


def test_check_finds_what_cannot_be_scanned(admin):
    Location.create(code="LOST", name="Made by hand", kind="storage")
    assert checklist.missing_barcodes() == ["location LOST: no barcode"]


def test_audit_json_is_plain(admin):
    parts.save(admin, {"number": "X-1", "revision": "", "pack_qty": "12.50"})
    row = MasterChange.get(MasterChange.kind == "part")
    assert json.loads(row.after)["pack_qty"] == "12.5"


# --- the pages, through the test client (what Chromium shows is in test_setup_browser.py) --------------

@pytest.fixture
def admin_client(client, app):
    from .webutil import login
    create_user("boss", "admin", "password-123")
    login(client, "boss")
    return client


def _post(client, path, data, **kwargs):
    from .webutil import csrf_token
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/setup")}, **kwargs)


def test_every_setup_page_answers_an_admin(admin_client):
    locations.save(User.get(username="boss"), {"code": "A-1", "name": "Bin", "kind": "storage"})
    parts.save(User.get(username="boss"), {"number": "P-1", "revision": "A"})
    for path in ("/setup", "/setup/locations", "/setup/locations?q=A&kind=storage&page=2", "/setup/locations/tree",
                 "/setup/locations/new", "/setup/locations/A-1/edit", "/setup/locations/range", "/setup/parts",
                 "/setup/parts/new", "/setup/parts/P-1/edit?revision=A", "/setup/people", "/setup/people/new",
                 "/setup/people/boss/edit", "/setup/changes", "/setup/import/stock", "/setup/templates/parts.csv"):
        assert admin_client.get(path).status_code == 200, path
    assert admin_client.get("/setup/locations/NOPE/edit").status_code == 404
    assert admin_client.get("/setup/import/cars").status_code == 404


def test_setup_is_for_admins_and_leads_see_locations_and_parts(client, app):
    from .webutil import login
    create_user("lena", "lead", "password-123")
    create_user("olga", "operator", "password-123")
    login(client, "lena")
    assert client.get("/setup/locations").status_code == 200
    assert 'href="/setup"' not in client.get("/inventory").get_data(as_text=True)  # the header link: admins
    people_page = client.get("/setup/people")
    assert people_page.status_code == 403 and "lena is a lead; only an admin or above may manage users." in \
        people_page.get_data(as_text=True)
    assert client.get("/setup/import/users").status_code == 403
    login(client, "olga")
    assert client.get("/setup/locations").status_code == 403


def test_a_refused_part_value_comes_back_422_with_the_words_and_the_values(admin_client):
    response = _post(admin_client, "/setup/parts/new", {"number": "RES-9", "uom": "kg", "unit_value": "-1,5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Value per unit cannot be negative." in html and 'value="-1,5"' in html
    assert Part.select().count() == 0


def test_a_refused_location_form_comes_back_422_with_the_words_and_the_values(admin_client):
    response = _post(admin_client, "/setup/locations/new", {"code": "A 1", "name": "Bin", "kind": "storage"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not a valid location code" in html and 'value="A 1"' in html
    assert Location.select().count() == 0


def test_import_preview_then_import_through_the_page(admin_client):
    data = {"file": (io.BytesIO(LOCATIONS.encode()), "locations.csv"), "step": "preview"}
    preview = _post(admin_client, "/setup/import/locations", data, content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "All 5 rows are good" in html and Location.select().count() == 0
    carried = re.search(r'name="data" value="([^"]+)"', html).group(1)
    done = _post(admin_client, "/setup/import/locations", {"data": carried, "filename": "locations.csv",
                                                            "step": "import"})
    assert "Imported 5 rows: 5 created" in done.get_data(as_text=True) and Location.select().count() == 5


def test_people_page_refuses_a_duplicate_badge_and_nobody_without_a_way_in(admin_client):
    create_user("omar", "operator", badge="B-7")
    response = _post(admin_client, "/setup/people/new", {"username": "sam", "role": "stager", "badge": "B-7"})
    assert response.status_code == 422 and "Badge B-7 is already omar&#39;s." in response.get_data(as_text=True)
    response = _post(admin_client, "/setup/people/new", {"username": "sam", "role": "stager"})
    assert "sam would have no way to sign in: give a password or a badge." in response.get_data(as_text=True)
    assert not User.select().where(User.username == "sam").exists()


# --- the API ---------------------------------------------------------------------------------------------

@pytest.fixture
def api(client, app):
    from staging.domain.people.users import create_token
    create_user("lena", "lead", "password-123")
    create_user("olga", "operator", "password-123")
    headers = {"Authorization": f"Bearer {create_token('lena')}"}
    operator = {"Authorization": f"Bearer {create_token('olga')}"}

    def call(method, path, body=None, as_operator=False):
        return client.open(path, method=method, json=body, headers=operator if as_operator else headers)
    return call


def test_api_creates_and_patches_locations(api):
    assert api("POST", "/api/locations", {"code": "WH", "name": "Warehouse", "kind": "storage",
                                          "holds_units": False}).status_code == 201
    made = api("POST", "/api/locations", {"code": "a-1", "name": "Bin", "kind": "storage", "parent": "WH",
                                          "capacity": 2})
    assert made.status_code == 201 and made.json["code"] == "A-1" and made.json["parent"] == "WH"
    assert codes.find("A-1") is not None
    again = api("POST", "/api/locations", {"code": "A-1", "name": "Bin", "kind": "storage"})
    assert again.status_code == 409 and "There is already a location A-1" in again.json["detail"]
    patched = api("PATCH", "/api/locations/A-1", {"capacity": None, "name": "Bin one"})
    assert patched.status_code == 200 and (patched.json["capacity"], patched.json["name"]) == (None, "Bin one")
    assert api("PATCH", "/api/locations/NOPE", {"name": "x"}).status_code == 404
    assert api("PATCH", "/api/locations/A-1", {"kind": "freezer"}).status_code == 422
    refused = api("POST", "/api/locations", {"code": "X", "name": "X", "kind": "storage"}, as_operator=True)
    assert refused.status_code == 403
    assert audit.changes("location", "A-1")[0].by == "lena"


def test_api_creates_and_patches_parts(api):
    made = api("POST", "/api/parts", {"number": "RES-1", "revision": "B", "uom": "kg", "gtin": "09501101530003",
                                      "pack_qty": 1000, "unit_value": 1.85})
    assert made.status_code == 201 and made.json["pack_qty"] == 1000 and made.json["unit_value"] == 1.85
    bad = api("PATCH", "/api/parts/RES-1?revision=B", {"gtin": "12345"})
    assert bad.status_code == 422 and "is not valid" in bad.json["detail"]
    ok = api("PATCH", "/api/parts/RES-1?revision=B", {"description": "Resin", "active": False})
    assert ok.status_code == 200 and ok.json["description"] == "Resin" and ok.json["active"] is False
    assert api("PATCH", "/api/parts/RES-1", {"description": "x"}).status_code == 404  # no revision-less RES-1
    assert api("POST", "/api/parts", {"number": "RES-1", "revision": "B"}).status_code == 409


def test_a_parts_value_per_unit_from_a_file_a_form_and_the_api_and_refused_in_words(admin, tmp_path):
    # A German ERP writes 1.234,50; a spreadsheet's cell is a number; a value of 0 is a free part.
    data = "number;revision;description;uom;gtin;unit_value\nRES-1;B;Resin;kg;;1.234,50\nBOX-1;;Carton;ea;;0\n"
    report = imports.run(admin, "parts", data.encode(), "parts.csv", locale="de")
    assert not report.bad
    assert [(p.number, p.unit_value) for p in Part.select().order_by(Part.number)] == [
        ("BOX-1", Decimal("0")), ("RES-1", Decimal("1234.5"))]
    for bad, words in (("-2", "Value per unit cannot be negative."), ("1,2345", "at most 3 decimals"),
                       ("zwei", "Value per unit must be a number")):
        with pytest.raises(Invalid, match=words):
            parts.save(admin, {"number": "RES-1", "revision": "B", "unit_value": bad})
    assert Part.get(number="RES-1").unit_value == Decimal("1234.5")
    parts.save(admin, {"number": "RES-1", "revision": "B", "description": "Resin, dried"})  # kept when not given
    assert Part.get(number="RES-1").unit_value == Decimal("1234.5")
    parts.save(admin, {"number": "RES-1", "revision": "B", "unit_value": ""})  # given empty: none
    assert Part.get(number="RES-1").unit_value is None
    assert "unit_value" in imports.template("parts").splitlines()[0]
