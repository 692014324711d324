"""Several GTINs per part (a case GTIN and a pallet GTIN), on SQLite and PostgreSQL: the parts
import and the part form take several, a GS1 scan of any of them finds the part (also from a
rendered GS1-128 barcode, decoded as a photo is), a GTIN belongs to one part, and an existing
plant's GTINs carry over in the migration."""
import io

import pytest
from PIL import Image
from playhouse.migrations import Runner

from staging.domain import codes
from staging.domain.people.users import create_user
from staging.domain.setup import imports, parts
from staging.media.decode import decode
from staging.media.labels.barcodes import GS, encode
from staging.store.db import MIGRATIONS, bind, db, migrate, open_database
from staging.store.models import Part, PartGtin

CASE, PALLET, OTHER = "09501101530010", "19501101530000", "09501101530027"
EAN13 = "4006381333931"


@pytest.fixture
def admin(database):
    return create_user("boss", "admin", "password-123")


def test_the_parts_import_takes_several_gtins_and_a_scan_of_any_finds_the_part(admin):
    data = (f"number,revision,description,uom,gtin\nRES-1,B,Resin,kg,{CASE} {PALLET}\n"
            f"BOX-1,,Carton,ea,{EAN13}\n")
    report = imports.run(admin, "parts", data, "parts.csv")
    assert report.written, report.bad
    resin = Part.get(Part.number == "RES-1")
    assert resin.gtin == CASE and parts.gtins_of(resin) == [CASE, PALLET]
    for gtin in (CASE, PALLET):
        label = codes.resolve(f"]C101{gtin}10LOT-7{GS}3712").obj
        assert label.part == resin and label.lot == "LOT-7"
    assert codes.resolve(f"(01)0{EAN13}(37)5").obj.part.number == "BOX-1"  # an EAN-13 as GTIN-14
    assert codes.resolve(EAN13).obj.part.number == "BOX-1"  # the plain EAN on a carton


def test_a_gtin_is_one_parts_and_a_refused_row_says_whose(admin):
    parts.save(admin, {"number": "RES-1", "revision": "B", "gtin": f"{CASE},{PALLET}"})
    parts.save(admin, {"number": "RES-1", "revision": "C", "gtin": CASE})  # another revision may share it
    data = f"number,revision,description,uom,gtin\nGLU-1,,Glue,kg,{OTHER};{PALLET}\n"
    preview = imports.run(admin, "parts", data, "parts.csv", dry_run=True)
    assert [str(row.error) for row in preview.rows] == [f"GTIN {PALLET} is already part RES-1 rev B's."]
    bad = imports.run(admin, "parts", "number,revision,description,uom,gtin\nGLU-1,,Glue,kg,0950110153002\n", "p.csv")
    assert "is not valid" in str(bad.rows[0].error) and not bad.written
    assert not Part.select().where(Part.number == "GLU-1").exists()


def test_changing_the_gtins_changes_what_scans_and_other_edits_keep_them(admin):
    part, _ = parts.save(admin, {"number": "RES-1", "gtin": f"{CASE} {PALLET}"})
    parts.save(admin, {"number": "RES-1", "description": "Resin, natural"})  # no gtin given: kept
    assert parts.gtins_of(part) == [CASE, PALLET]
    parts.save(admin, {"number": "RES-1", "gtin": OTHER})
    assert parts.gtins_of(part) == [OTHER] and Part.get_by_id(part.id).gtin == OTHER
    assert codes.resolve(f"01{PALLET}3712").obj.part is None  # the old pallet GTIN names nothing now
    change = parts.audit.changes("part", "RES-1")[0]
    assert ("gtin", f"{CASE} {PALLET}", OTHER) in change.fields
    assert parts.listing(PALLET)[1] == 0 and parts.listing(OTHER)[0] == [part]


def test_a_rendered_gs1_128_of_the_pallet_gtin_decodes_to_the_part(admin):
    part, _ = parts.save(admin, {"number": "RES-1", "revision": "B", "gtin": f"{CASE} {PALLET}"})
    pattern, _ = encode(f"01{PALLET}10LOT-7{GS}3712", gs1=True)
    modules, dots, height = [int(m) for m in "0" * 10 + pattern + "0" * 10], 3, 120
    image = Image.new("L", (len(modules) * dots, height + 40), 255)
    for n, bar in enumerate(modules):
        if bar:
            image.paste(0, (n * dots, 20, (n + 1) * dots, 20 + height))
    png = io.BytesIO()
    image.save(png, "PNG")
    found = decode(png.getvalue())
    assert len(found) == 1
    label = codes.resolve(found[0].scan_text).obj
    assert (label.part, label.gtin, label.lot, str(label.quantity)) == (part, PALLET, "LOT-7", "12")


def test_an_existing_plants_gtins_carry_over_in_the_migration(database_url):
    bind(open_database(database_url))
    Runner(db.obj, str(MIGRATIONS)).up(target="0015_output_units_genealogy")
    db.execute_sql("INSERT INTO part (number, revision, description, uom, gtin, active, backflush) "
                   "VALUES ('OLD-1', '', 'Old', 'ea', %s, %s, %s)" % (
                       (f"'{EAN13}'", "true", "false") if "postgres" in database_url else (f"'{EAN13}'", "1", "0")))
    migrate()
    old = Part.get(Part.number == "OLD-1")
    assert [row.gtin for row in PartGtin.select().where(PartGtin.part == old)] == ["0" + EAN13]
    assert codes.resolve(f"010{EAN13}3712").obj.part == old
    db.close()
