"""`flask --app app import work-orders FILE [--dry-run]`: the ERP import from the command line, with the
plant's remembered column mapping and the file's own number format; exit 0, or 1 with a line per bad row."""
from decimal import Decimal

from staging.domain import workorders
from staging.store.models import WorkOrder

from .plant import Plant
from .test_import_cli import write

GERMAN = "Auftrag;Artikel;Index;Menge;Maschine;Termin;Material;Materialindex;Bedarf;ME\n"
MAPPING = {"work_order": "Auftrag", "product": "Artikel", "product_rev": "Index", "quantity": "Menge",
           "machine": "Maschine", "due": "Termin", "part": "Material", "part_rev": "Materialindex",
           "part_qty": "Bedarf", "uom": "ME"}


def test_the_erp_file_with_the_remembered_mapping_and_german_numbers(runner, app, tmp_path):
    plant = Plant()
    workorders.erp_columns.remember(plant.lead, MAPPING)
    path = write(tmp_path, "erp.csv", GERMAN + "WO-600;HSG-1;A;1.200;M1;31.12.2026 14:00;RES-100;B;2400,5;kg\n")
    dry = runner.invoke(args=["import", "work-orders", path, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would import 1 work order(s) from 1 row(s)." in dry.output
    assert not WorkOrder.select().where(WorkOrder.number == "WO-600").exists()
    done = runner.invoke(args=["import", "work-orders", path, "--user", "lead1"])
    assert done.exit_code == 0, done.output
    assert "Imported 1 work order(s): WO-600." in done.output
    wo = WorkOrder.get(WorkOrder.number == "WO-600")
    assert wo.quantity == 1200 and workorders.lines_of(wo)[0].quantity == Decimal("2400.5")


def test_bad_rows_one_line_each_exit_1_nothing_written(runner, app, tmp_path):
    plant = Plant()
    workorders.erp_columns.remember(plant.lead, MAPPING)
    path = write(tmp_path, "erp.csv", GERMAN + ("WO-601;HSG-1;A;10;M1;;RES-100;B;5;kg\n"
                                                "WO-602;HSG-1;A;10;NOPE;;RES-100;B;5;kg\n"
                                                "WO-603;HSG-1;A;10;M1;;RES-100;B;abc;kg\n"))
    result = runner.invoke(args=["import", "work-orders", path])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(path)]
    assert [line.split(":")[1] for line in lines] == ["3", "4"]
    assert "NOPE" in lines[0] and "must be a number" in lines[1]
    assert "2 of 3 row(s) refused: nothing was imported." in result.output
    assert not WorkOrder.select().where(WorkOrder.number == "WO-601").exists()


def test_a_file_the_plant_has_no_mapping_for_is_refused_whole(runner, app, tmp_path):
    Plant()
    path = write(tmp_path, "erp.csv", GERMAN + "WO-604;HSG-1;A;10;M1;;RES-100;B;5;kg\n")
    result = runner.invoke(args=["import", "work-orders", path])
    assert result.exit_code == 1 and "Missing column(s)" in result.output and "Nothing was imported" in result.output
