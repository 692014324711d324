"""The demo plant is built through the set-up functions a plant uses (pages, imports, CLI): its
locations and parts are in the change history under the first admin, each scannable, a later
revision supersedes the earlier, and the ledger checks out."""
from staging.domain.inventory.ledger import verify
from staging.domain.setup import audit, checklist
from staging.first_start import prepare
from staging.store.models import Part


def test_the_demo_is_set_up_through_the_setup_functions(app):
    app.config["SEED_DEMO"] = True
    prepare(app.config, echo=lambda *_: None)
    bin_history = audit.changes("location", "A-01-1")
    assert [(c.what, c.by) for c in bin_history] == [("created", "admin")]
    assert bin_history[0].after["parent"] == "R-A"
    older = Part.get(Part.number == "FST-M6-16", Part.revision == "C")
    assert older.superseded_by.revision == "D"
    assert checklist.begun() and checklist.missing_barcodes() == [] and verify() == []
