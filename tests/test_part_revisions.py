"""Revisions that supersede older ones (SQLite and PostgreSQL): the part form or import names the
older revision a new one replaces; receiving a GTIN both share books the current revision; a
revision cannot supersede itself, a newer one, or one already replaced; every change is audited."""
import pytest

from staging.domain import codes
from staging.domain.errors import Invalid
from staging.domain.people.users import create_user
from staging.domain.setup import audit, imports, parts
from staging.store.models import Part

GTIN = "09501101530010"


@pytest.fixture
def admin(database):
    return create_user("boss", "admin", "password-123")


def test_a_new_revision_supersedes_the_old_and_receiving_their_gtin_books_the_new(admin):
    old, _ = parts.save(admin, {"number": "RES-1", "revision": "A", "gtin": GTIN})
    assert codes.resolve(f"01{GTIN}3712").obj.part == old
    new, _ = parts.save(admin, {"number": "RES-1", "revision": "B", "gtin": GTIN, "supersedes": "a"})
    assert Part.get_by_id(old.id).superseded_by_id == new.id and parts.current(Part.get_by_id(old.id)) == new
    assert codes.resolve(f"01{GTIN}3712").obj.part == new
    assert audit.changes("part", "RES-1 rev A")[0].fields == [("superseded_by", None, "RES-1 rev B")]


def test_the_parts_import_supersedes_and_refuses_what_cannot_be(admin):
    data = ("number,revision,description,uom,gtin,supersedes\n"
            "RES-1,A,Resin,kg,,\nRES-1,B,Resin,kg,,A\nRES-1,C,Resin,kg,,A\nGLU-1,B,Glue,kg,,A\n")
    report = imports.run(admin, "parts", data, "parts.csv", accept_good=True)
    errors = {row.number: str(row.error) for row in report.rows if row.error}
    assert errors == {4: "RES-1 rev A is already superseded by revision B.",
                      5: "GLU-1 has no revision A to supersede."}
    assert report.written and not Part.select().where(Part.number == "GLU-1").exists()
    assert not Part.select().where(Part.number == "RES-1", Part.revision == "C").exists()  # its row: nothing saved


def test_a_revision_cannot_supersede_itself_or_the_one_that_replaced_it(admin):
    parts.save(admin, {"number": "RES-1", "revision": "A"})
    parts.save(admin, {"number": "RES-1", "revision": "B", "supersedes": "A"})
    with pytest.raises(Invalid, match="is the newer one or the same"):
        parts.save(admin, {"number": "RES-1", "revision": "B", "supersedes": "B"})
    with pytest.raises(Invalid, match="is the newer one or the same"):
        parts.save(admin, {"number": "RES-1", "revision": "A", "supersedes": "B"})
    assert Part.get(Part.number == "RES-1", Part.revision == "B").superseded_by_id is None
