"""Backup of a live SQLite database while scans continue, and restore."""
import threading

from staging.domain import inventory
from staging.domain.inventory import ledger
from staging.store.db import db
from staging.store.models import Entry, Unit


def test_backup_while_moves_continue_then_restore_and_check(runner, web_plant, tmp_path):
    units = [web_plant.receive() for _ in range(20)]
    stop = threading.Event()

    def forklift():
        spots = ["A-01-1", "LANE-1"]
        i = 0
        try:
            while not stop.is_set():
                unit = units[i % len(units)]
                here = Unit.get_by_id(unit.id).location.code
                inventory.move(web_plant.ctx(), unit.lpn, spots[0] if here != spots[0] else spots[1])
                i += 1
        finally:
            db.close()

    thread = threading.Thread(target=forklift)
    thread.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    moves_at_end = Entry.select().count()

    result = runner.invoke(args=["restore", str(tmp_path / "copy.db"), "--yes"])
    assert result.exit_code == 0 and "the ledger agrees with stock" in result.output
    restored = Entry.select().count()
    assert 20 <= restored <= moves_at_end
    assert ledger.verify() == []
    assert runner.invoke(args=["check"]).exit_code == 0


def test_backup_refuses_to_overwrite_and_restore_refuses_a_non_backup(runner, app, tmp_path):
    (tmp_path / "exists.db").write_text("x")
    result = runner.invoke(args=["backup", str(tmp_path / "exists.db")])
    assert result.exit_code == 1 and "exists already" in result.output
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(tmp_path / "junk.db"), "--yes"])
    assert result.exit_code == 1 and "not a usable SQLite database" in result.output
