"""Imports are repeatable: opening stock imported twice books nothing the second time (rows without an
LPN recognised by file, line and content; rows with one by their pallet), says so, and books again only
when asked."""
from staging.domain.people.users import create_user
from staging.domain.setup import imports
from staging.store.models import Entry, Unit

from .test_import_cli import LOCATIONS, PARTS, write

STOCK = "lpn,part,revision,quantity,lot,location\nOLD-7,RES-1,B,500,L1,A-1\n,RES-1,B,250,L2,LANE-1\n"


def _plant(runner, tmp_path):
    create_user("admin", "admin", "password-123")
    for kind, text in (("locations", LOCATIONS), ("parts", PARTS)):
        assert runner.invoke(args=["import", kind, write(tmp_path, f"{kind}.csv", text)]).exit_code == 0


def test_the_same_stock_file_twice_books_nothing_the_second_time(runner, app, tmp_path):
    _plant(runner, tmp_path)
    path = write(tmp_path, "stock.csv", STOCK)
    assert runner.invoke(args=["import", "stock", path]).exit_code == 0
    again = runner.invoke(args=["import", "stock", path])
    assert again.exit_code == 0, again.output
    assert "Imported 2 stock row(s): 0 created, 0 updated, 0 unchanged, 2 already imported." in again.output
    assert Unit.select().count() == 2 and Entry.select().count() == 2
    assert runner.invoke(args=["check"]).exit_code == 0


def test_book_again_books_the_rows_without_an_lpn_once_more(runner, app, tmp_path):
    _plant(runner, tmp_path)
    path = write(tmp_path, "stock.csv", STOCK)
    assert runner.invoke(args=["import", "stock", path]).exit_code == 0
    again = runner.invoke(args=["import", "stock", path, "--again"])
    assert again.exit_code == 0, again.output
    assert "1 created" in again.output and "1 already imported" in again.output  # OLD-7 is one pallet
    assert Unit.select().where(Unit.lot == "L2").count() == 2


def test_good_rows_first_then_the_fixed_file_books_only_the_fixed_row(runner, app, tmp_path):
    """The page invites it: import only the good rows, fix the file, import the whole file again."""
    _plant(runner, tmp_path)
    from staging.store.models import User
    admin = User.get(User.username == "admin")
    broken = STOCK + ",RES-1,B,-3,L3,A-1\n"
    first = imports.run(admin, "stock", broken.encode(), "stock.csv", accept_good=True)
    assert first.written and first.count("created") == 2 and len(first.bad) == 1
    fixed = imports.run(admin, "stock", (STOCK + ",RES-1,B,3,L3,A-1\n").encode(), "stock.csv")
    assert fixed.written and fixed.count("created") == 1 and fixed.count("already_imported") == 2
    assert sorted(u.lot for u in Unit.select()) == ["L1", "L2", "L3"]


def test_a_preview_remembers_nothing(runner, app, tmp_path):
    _plant(runner, tmp_path)
    path = write(tmp_path, "stock.csv", STOCK)
    assert runner.invoke(args=["import", "stock", path, "--dry-run"]).exit_code == 0
    real = runner.invoke(args=["import", "stock", path])
    assert "2 created" in real.output, real.output


def test_a_pallet_moved_since_its_import_is_already_imported_not_refused(runner, app, tmp_path):
    _plant(runner, tmp_path)
    path = write(tmp_path, "stock.csv", STOCK)
    assert runner.invoke(args=["import", "stock", path]).exit_code == 0
    from staging.domain import inventory
    from staging.store.models import User
    inventory.move(inventory.Ctx(User.get(User.username == "admin")), "OLD-7", "LANE-1")
    again = runner.invoke(args=["import", "stock", path])
    assert again.exit_code == 0, again.output
    assert "2 already imported" in again.output
    assert Unit.get(Unit.lpn == "OLD-7").location.code == "LANE-1" and Unit.select().count() == 2
