"""Reports: streamed CSV exports with formula injection neutralised, summaries, charts, the
printable shift report; the logbook pages."""
import csv
import datetime
import io

import pytest

from staging.domain import inventory, reports
from staging.domain.logbook import Calendar
from staging.media import charts

from .webutil import csrf_token, login


def test_cells_a_spreadsheet_would_run_are_neutralised():
    assert [reports.neutralise(v) for v in ("=1+1", "+A1", "-2+3", "@SUM(A1)", "\t=x", "plain", -5)] == \
        ["'=1+1", "'+A1", "'-2+3", "'@SUM(A1)", "'\t=x", "plain", -5]
    text = "".join(reports.csv_stream(["a", "b"], [("=cmd|' /C calc'!A0", 3)])).lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["'=cmd|' /C calc'!A0", "3"]]


def test_charts_scale_to_the_largest_value():
    chart = charts.columns("t", [("06", 2), ("07", 4), ("08", 0)], width=300, height=140)
    assert [round(b.h) for b in chart.bars] == [50, 100, 0]
    assert charts.rows("t", []).bars == [] and charts.columns("t", [("a", 0)]).bars == []


@pytest.fixture
def plant(web_plant):
    """The web plant with a pallet loaded on M1, partly consumed and scrapped with a formula for a reason."""
    plant = web_plant
    unit = plant.receive(qty="100")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), unit, "30")
    inventory.scrap(plant.ctx(), unit, "4", reason="=HYPERLINK(\"http://evil\")")
    plant.unit = unit
    return plant


@pytest.fixture
def lead(client, plant):
    login(client, "lead1")
    return client


def rows(response):
    text = response.get_data().decode("utf-8-sig")  # the BOM a spreadsheet needs to read UTF-8
    return list(csv.DictReader(io.StringIO(text)))


def test_exports_are_streamed_csv_with_hostile_text_neutralised(lead, plant):
    response = lead.get("/reports/waste.csv")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    (row,) = rows(response)
    assert row["reason"] == "'=HYPERLINK(\"http://evil\")" and row["wasted"] == "4.000"
    assert row["work_order"] == "WO-1" and row["location"] == "M1"
    (consumed,) = rows(lead.get("/reports/consumption.csv"))
    assert consumed["consumed"] == "30.000" and consumed["machine"] == "M1" and consumed["shift"]
    moves = rows(lead.get("/reports/moves.csv"))
    assert [m["kind"] for m in moves] == ["receive", "load"]
    (stock,) = rows(lead.get("/reports/inventory.csv"))
    assert (stock["location"], stock["lpn"], stock["quantity"]) == ("M1", plant.unit.lpn, "66.000")
    assert lead.get("/reports/nothing.csv").status_code == 404
    assert lead.get("/reports/moves.csv?from=yesterday").status_code == 400


def test_exports_page_through_more_rows_than_one_chunk(app, plant, monkeypatch):
    monkeypatch.setattr(reports, "CHUNK", 2)
    for _ in range(3):
        plant.receive(qty="1")
    cal = Calendar.from_settings(app.config["SHIFTS"], "Europe/Berlin")
    now = datetime.datetime.utcnow()
    text = "".join(reports.moves_csv(now - datetime.timedelta(days=1), now + datetime.timedelta(days=1), cal))
    ids = [int(r["entry"]) for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    assert len(ids) == 5 and ids == sorted(ids)


def test_reports_page_shows_charts_and_usage(lead, plant):
    html = lead.get("/reports").get_data(as_text=True)
    assert html.count("<svg") == 3 and "Waste by part and reason" in html
    assert "RES-100 rev B · =HYPERLINK(&#34;http://evil&#34;) (kg)" in html
    assert "WO-1" in html and "RES-100 rev B" in html


def test_waste_by_part_moves_by_hour_and_corrections_in_their_shift(app, plant):
    cal = Calendar.from_settings(app.config["SHIFTS"], "Europe/Berlin")
    now = datetime.datetime.utcnow()
    start, end = now - datetime.timedelta(days=2), now + datetime.timedelta(hours=1)
    screws = plant.receive(part=plant.screw, qty="50")
    inventory.scrap(plant.ctx(), screws, "3", reason="Dropped")
    assert [(w.part, w.reason, w.quantity) for w in reports.waste_by_part(start, end)] == [
        ("RES-100 rev B", '=HYPERLINK("http://evil")', 4), ("FST-M6 rev C", "Dropped", 3)]
    hours, per_hour = reports.moves_by_hour_of_day(start, end, cal)
    assert len(hours) == 24 and sum(n for _, n in hours) == 3  # two receipts and a load
    assert per_hour == pytest.approx(3 / 49)
    # Yesterday's consumption corrected today: the correction belongs to yesterday's shift.
    unit = plant.receive(qty="100")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    yesterday = now - datetime.timedelta(days=1)
    entry = inventory.consume(inventory.Ctx(plant.operator, at=yesterday), unit, "30").entry
    inventory.correct(plant.ctx("lead"), entry.id, "20", "scale was off")
    shift_of = reports._shift_name(cal, yesterday)
    rows_ = [r for r in reports.usage(start, end, cal) if r.part == "RES-100 rev B"]
    assert [(r.shift, r.consumed, r.corrected) for r in rows_ if r.shift == shift_of] == [(shift_of, 20, True)]
    assert all(r.consumed >= 0 for r in rows_)  # never negative consumption on the day it was typed


def test_shift_report_prints(lead, plant):
    html = lead.get("/reports/shift").get_data(as_text=True)
    assert "Shift report" in html and "M1" in html and "floor.css" in html
    assert lead.get("/reports/shift?shift=Lunch").status_code == 404


def test_logbook_pages_take_notes_and_lock(lead, plant):
    html = lead.get("/logbook").get_data(as_text=True)
    link = next(p for p in __import__("re").findall(r'href="(/logbook/M1/[^"]+)"', html))
    token = csrf_token(lead, link)
    lead.post(link + "/notes", data={"csrf_token": token, "kind": "safety", "text": "<b>Loose guard</b>"})
    page = lead.get(link).get_data(as_text=True)
    # Four eyes: her own safety note waits for another lead.
    assert "&lt;b&gt;Loose guard&lt;/b&gt;" in page and "another lead must acknowledge it" in page
    assert "safety issue" in lead.get("/floor").get_data(as_text=True)


def test_exports_open_right_in_the_plants_spreadsheet(app, lead, plant):
    raw = lead.get("/reports/waste.csv").get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    app.config["PLANT_LOCALE"] = "de_DE"
    text = lead.get("/reports/consumption.csv").get_data().decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["consumed"] == "30,000" and row["work_order"] == "WO-1"
    response = lead.get("/reports/waste.xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('.xlsx"')
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.values)
    assert values[0][:3] == ("time", "shift", "entry")
    assert values[1][6] == 4 and values[1][10] == "'=HYPERLINK(\"http://evil\")"  # a number; text neutralised
