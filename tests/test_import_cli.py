"""`flask --app app import KIND FILE [--dry-run]` (the README's interface): real CSV and XLSX files,
exit 0 imported, exit 1 with one line per bad row and nothing written; `check` and barcodes."""
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

from staging.domain.people.users import create_user
from staging.store.models import Entry, Location, Part, Unit, User

ROOT = Path(__file__).resolve().parent.parent
LOCATIONS = "name,code,kind,parent,capacity\nWarehouse,WH,storage,,\nBin 1,A-1,storage,WH,2\nLane,LANE-1,staging,,\n"
PARTS = "number,revision,description,uom,gtin\nRES-1,B,Resin,kg,09501101530003\n"
STOCK = "lpn,part,revision,quantity,lot,location\nOLD-7,RES-1,B,500,L1,A-1\n,RES-1,B,250,L2,LANE-1\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_plant_from_csv_files(runner, app, tmp_path):
    create_user("admin", "admin", "password-123")
    for kind, text in (("locations", LOCATIONS), ("parts", PARTS), ("stock", STOCK)):
        result = runner.invoke(args=["import", kind, write(tmp_path, f"{kind}.csv", text)])
        assert result.exit_code == 0, result.output
    assert "Imported 2 stock row(s): 2 created, 0 updated, 0 unchanged." in result.output
    assert Location.get(code="A-1").parent.code == "WH" and Part.get(number="RES-1").gtin == "09501101530003"
    assert Unit.get(lpn="OLD-7").location.code == "A-1"
    assert {e.kind for e in Entry.select()} == {"opening"}
    check = runner.invoke(args=["check"])
    assert check.exit_code == 0 and "ok  barcodes: every location, unit" in check.output, check.output


def test_bad_rows_one_line_each_exit_1_nothing_written(runner, app, tmp_path):
    create_user("admin", "admin", "password-123")
    path = write(tmp_path, "locations.csv", LOCATIONS + "Bin 2,B-2,freezer,,\nBin 3,B-3,storage,WH,x\n")
    result = runner.invoke(args=["import", "locations", path])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(path)]
    assert lines == [
        f"{path}:5: Kind “freezer” is not one of: receiving, storage, staging, machine, output, qc_hold, scrap, "
        "shipping.",
        f"{path}:6: Capacity must be a whole number of at least 1, not “x”.",
    ]
    assert "2 of 5 row(s) refused: nothing was imported." in result.output
    assert Location.select().count() == 0


def test_dry_run_writes_nothing(runner, app, tmp_path):
    create_user("admin", "admin", "password-123")
    result = runner.invoke(args=["import", "locations", write(tmp_path, "l.csv", LOCATIONS), "--dry-run"])
    assert result.exit_code == 0 and "Would import 3 locations row(s): 3 created" in result.output
    assert Location.select().count() == 0


def test_users_from_xlsx_and_a_duplicate_badge(runner, app, tmp_path):
    create_user("admin", "admin", "password-123")
    book = Workbook()
    for row in (["username", "display_name", "role", "badge", "language"],
                ["olga", "Olga", "operator", "B-1", "de"], ["omar", "Omar", "operator", "B-1", None]):
        book.active.append(row)
    book.save(tmp_path / "users.xlsx")
    result = runner.invoke(args=["import", "users", str(tmp_path / "users.xlsx")])
    assert result.exit_code == 1 and "users.xlsx:3: Badge B-1 is already olga's." in result.output
    assert not User.select().where(User.username == "olga").exists()


def test_a_file_that_is_not_the_kind_it_claims(runner, app, tmp_path):
    create_user("admin", "admin", "password-123")
    result = runner.invoke(args=["import", "parts", write(tmp_path, "p.csv", LOCATIONS)])
    assert result.exit_code == 1
    assert "missing: number, revision, description, uom, gtin" in result.output


def test_opening_stock_labels_in_one_pdf(runner, app, tmp_path):
    create_user("admin", "admin", "password-123")
    for kind, text in (("locations", LOCATIONS), ("parts", PARTS)):
        runner.invoke(args=["import", kind, write(tmp_path, f"{kind}.csv", text)])
    pdf = tmp_path / "labels.pdf"
    result = runner.invoke(args=["import", "stock", write(tmp_path, "s.csv", STOCK), "--go-live", "2025-01-01",
                                 "--labels", str(pdf)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF") and "Labels for 2 pallet(s)" in result.output
    assert Entry.get(Entry.kind == "opening").at.date().isoformat() == "2024-12-31"  # midnight Berlin in UTC


def test_check_reports_a_location_without_barcode(runner, app):
    Location.create(code="LOST", name="Made by hand", kind="storage")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1 and "location LOST: no barcode" in result.output


def test_the_real_command_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'plant.db'}", "SEED_DEMO": "0",
           "SECRET_KEY": "test"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    ok = subprocess.run(flask + ["import", "locations", write(tmp_path, "l.csv", LOCATIONS)], cwd=ROOT, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(flask + ["import", "parts", write(tmp_path, "p.csv", PARTS + "X,,,,123\n")], cwd=ROOT,
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "p.csv:3: GTIN “123” is not valid" in bad.stderr
