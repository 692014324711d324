"""The demo plant is built through the set-up functions a plant uses (pages, imports, CLI): its
locations and parts are in the change history under the first admin, each scannable, a later
revision supersedes the earlier, and the ledger checks out."""
from pathlib import Path

from staging.domain import codes, tasks, trace
from staging.domain.inventory.ledger import verify
from staging.domain.scan import scanner_check
from staging.domain.scan import tasks as scan_tasks
from staging.domain.setup import audit, checklist
from staging.first_start import prepare
from staging.store.models import Part, User


def test_the_demo_is_set_up_through_the_setup_functions(app):
    app.config["SEED_DEMO"] = True
    prepare(app.config, echo=lambda *_: None)
    bin_history = audit.changes("location", "A-01-1")
    assert [(c.what, c.by) for c in bin_history] == [("created", "admin")]
    assert bin_history[0].after["parent"] == "R-A"
    older = Part.get(Part.number == "FST-M6-16", Part.revision == "C")
    assert older.superseded_by.revision == "D"
    assert checklist.begun() and checklist.missing_barcodes() == [] and verify() == []


def _readme():
    return (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_demo_shows_staging_from_the_first_start(app):
    """A newcomer after `make run`: Tasks has the README's task at once (no wait for the background
    job), the README's supplier label is received as its part, and a consumed lot traces to the
    output pallet it went into."""
    app.config["SEED_DEMO"] = True
    prepare(app.config, echo=lambda *_: None)
    olga = User.get(User.username == "olga")
    task = tasks.listing()[0]  # as the first start left it: no request has looked yet
    title, words = scan_tasks._next_words(task)
    assert f"Next: {title} / {words}".rstrip(".") in " ".join(_readme().split())
    assert tasks.next_for(olga).id == task.id
    assert {t.machine.code for t in tasks.listing()} >= {"M1"}

    label = codes.resolve("(01)04012345000016(10)S-4711(3100)001000").obj
    assert label.part.label == "RES-PP-100 rev B" and label.quantity == 1000 and label.lot == "S-4711"
    assert "(01)04012345000016(10)S-4711(3100)001000" in _readme()
    sheet = codes.resolve(scanner_check.EXPECTED).obj  # the command sheet's GS1-128 barcode
    assert sheet.part.label == "PCB-CTL-3 rev E" and sheet.quantity is None and sheet.lot == "yZ-7/q"

    shipped = trace.upstream("P000383")
    lot = shipped.inputs[0].place.unit.lot
    assert "P000383" in [p.unit.lpn for p in trace.downstream(lot=lot).outputs]
    assert verify() == []
