"""Hostile and bad input: scanned or typed payloads with markup, quotes, control characters, 10,000
characters, invalid UTF-8; uploads too large, not images, decompression bombs; quantities that are
negative, huge, NaN, infinite or not numbers; unknown codes in every URL. Each gets a clear 4xx
(or the scan page's refusal) with a message, nothing is written, and nothing renders unescaped:
pages, labels (SVG, HTML, ZPL), CSV exports, JSON."""
import csv
import io
import json
import re
import struct
import zlib
from decimal import Decimal

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staging.domain import codes, inventory, quantities
from staging.domain.errors import DomainError, Invalid
from staging.domain.people.users import create_token
from staging.domain.scan import scanning
from staging.media import decode
from staging.store.models import Part

from .plant import Plant
from .test_permissions import snapshot
from .webutil import csrf_token, login

MARK = '<b id="pwn">'  # if this ever appears verbatim in a response, something rendered unescaped
PAYLOADS = [
    MARK + "<script>alert(1)</script>",
    MARK + "\"'><img src=x onerror=alert(1)>",
    MARK + "\x00NUL",
    MARK + "\x1dGS\x1b[2JESC",
    MARK + "x" * 10_000,
    MARK + "=HYPERLINK(\"http://evil\")",
]
BAD_QUANTITIES = ["-1", "-0.5", "1e30", "99999999999", "NaN", "nan", "Infinity", "-Infinity", "inf", "abc",
                  "1,2,3", "0x10", "1e-9", "0.0001", "", " ", "9" * 400,
                  "1_000", "1e3", "١٢", "１２", "12\u200b", "1.5.", ". "]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def plant(web_plant):
    """The web plant plus a pallet on the dock, one loaded on M1 with a consumption, a lead's API token."""
    plant = web_plant
    plant.unit = plant.receive(qty="200")
    plant.loaded = plant.receive(qty="100")
    inventory.load(plant.ctx(), plant.loaded, "M1", plant.wo)
    plant.entry = inventory.consume(plant.ctx(), plant.loaded, "10").entry
    plant.token = create_token("lead1")
    return plant


@pytest.fixture
def lead(client, plant):
    login(client, "lead1")
    return client


def scan(client, token, **form):
    response = client.post("/scan", data={"csrf_token": token, **form}, headers={"X-Scan-Client": "1"})
    return response, response.get_data(as_text=True)


def refusal(html):
    found = re.search(r'<p class="panel-title">(.*?)</p>', html, re.S)
    return found.group(1).strip() if found else ""


# --- scanned and typed payloads -------------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "quotes", "nul", "gs-esc", "10k", "formula"])
def test_a_hostile_scan_is_an_unknown_barcode_shown_escaped_and_nothing_is_written(lead, plant, payload):
    token = csrf_token(lead, "/scan")
    before = snapshot()
    response, html = scan(lead, token, code=payload)
    assert response.status_code == 200  # the scan page shows refusals as its fragment (htmx swaps 200s)
    assert MARK not in html and "<script>alert" not in html
    assert "bad" in html and refusal(html)
    assert snapshot() == before
    assert MARK not in lead.get("/scan").get_data(as_text=True)  # the recent scans list, too


def test_invalid_utf8_in_a_form_post_is_read_as_text_and_refused(lead, plant):
    token = csrf_token(lead, "/scan")
    before = snapshot()
    # Percent-encoded, as a browser sends it: read as text, an unknown barcode.
    response = lead.post("/scan", data=b"csrf_token=" + token.encode() + b"&code=%FF%FE%C0%AF%3Cx%3E&qty=%FF",
                         content_type="application/x-www-form-urlencoded", headers={"X-Scan-Client": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "tone-bad" in html and "<x>" not in html
    # Raw bytes (no browser sends them): werkzeug drops the undecodable form, so the CSRF check refuses.
    for body in (b"&code=\xff\xfe\xc0\xaf<x>", b"&qty=\xff\x80"):
        response = lead.post("/scan", data=b"csrf_token=" + token.encode() + body,
                             content_type="application/x-www-form-urlencoded", headers={"X-Scan-Client": "1"})
        assert response.status_code == 400 and "Reload it and try again" in response.get_data(as_text=True)
    assert snapshot() == before


@SETTINGS
@given(code=st.text(min_size=1, max_size=300))
def test_any_text_scanned_never_fails_and_never_renders_raw(lead, plant, code):
    token = csrf_token(lead, "/scan")
    before = snapshot()
    response, html = scan(lead, token, code=MARK + code)
    assert response.status_code == 200 and MARK not in html
    assert snapshot() == before
    scan(lead, token, code="CMD:CANCEL")


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "quotes", "nul", "gs-esc", "10k", "formula"])
def test_hostile_text_in_every_search_and_form_field_is_refused_or_escaped(lead, plant, payload):
    token = csrf_token(lead, "/login")
    before = snapshot()
    pages = [lead.get("/search", query_string={"q": payload}),
             lead.get("/work-orders/", query_string={"status": payload}),
             lead.post("/units/" + plant.unit.lpn + "/hold", data={"csrf_token": token, "reason": payload,
                                                                    "action": "nonsense"}),
             lead.post("/work-orders/new", data={"csrf_token": token, "number": payload, "product": payload,
                                                 "quantity": payload, "part": [payload], "line_quantity": ["1"],
                                                 "revision": ["A"], "uom": [""]}),
             lead.post("/labels/printers", data={"csrf_token": token, "name": payload, "host": payload}),
             lead.post("/work-orders/import", data={"csrf_token": token, "text": "work_order\n" + payload})]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code < 500 and MARK not in html, (response.request.path, html[:300])
    # The hold takes any reason (it is a note), so it may be written; nothing else may.
    after = snapshot()
    changed = {table for table in before if before[table] != after[table]}
    assert changed <= {"unit", "ledger", "event", "scan", "sequence"}  # the hold, and its event


def test_nul_anywhere_in_a_request_is_refused_in_words(lead, plant):
    token = csrf_token(lead, "/login")
    before = snapshot()
    for response in [lead.get("/locations/A%00B"), lead.get("/search?q=%00"),
                     lead.post(f"/units/{plant.unit.lpn}/hold", data={"csrf_token": token, "reason": "a\x00b"})]:
        assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)
    api = lead.post("/api/moves", headers={"Authorization": f"Bearer {plant.token}"},
                    json={"unit": plant.unit.lpn, "to": "A-01-1", "from": "RCV-1\x00"})
    assert api.status_code == 422 and api.mimetype == "application/problem+json" and "NUL" in api.json["detail"]
    assert snapshot() == before


def test_a_scan_with_nul_is_refused_on_postgresql_too(database):
    """NUL cannot even be compared in a PostgreSQL query: the domain must not pass it on."""
    plant = Plant()
    unit = plant.receive()
    assert codes.resolve("\x00ABC").kind == "unknown"
    with pytest.raises(DomainError):
        inventory.move(plant.ctx(), unit.lpn, "A-01\x00")
    with pytest.raises(DomainError):
        inventory.move(plant.ctx(), "\x00", "A-01-1")
    _, outcome = scanning.step(plant.ctx(), scanning.State(), code="A\x00B")
    assert outcome.tone == "bad"


# --- JSON bodies ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"\xff\xfe{\"unit\": 1}", b"{\"unit\": \"\xff\", \"to\": \"M1\"}", b"[1, 2]", b"",
                                  b"{\"unit\": 1e999, \"to\": \"M1\"}", b"{" * 5000, b"null",
                                  b"{\"unit\": \"" + b"A" * 10_000 + b"\", \"to\": \"M1\"}"])
def test_bad_json_bodies_get_a_422_problem(client, plant, body):
    before = snapshot()
    response = client.post("/api/moves", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {plant.token}"})
    assert response.status_code in (400, 422) and response.mimetype == "application/problem+json"
    assert response.json["detail"]
    assert snapshot() == before


def test_json_out_is_json_and_carries_hostile_text_unchanged(client, plant):
    unit = plant.receive(lot=PAYLOADS[1][:40])
    response = client.get(f"/api/units/{unit.lpn}", headers={"Authorization": f"Bearer {plant.token}"})
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.get_data(as_text=True))["lot"] == PAYLOADS[1][:40]


# --- quantities ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("qty", BAD_QUANTITIES)
def test_parse_quantity_refuses_what_is_not_a_plain_positive_number(qty):
    with pytest.raises(Invalid) as refused:
        quantities.parse_quantity(qty)
    assert refused.value.message.startswith("Quantity")


@pytest.mark.parametrize("qty", [float("nan"), float("inf"), -1.0, True, 10**12, [1], {"a": 1}, 1e-05, 1e16])
def test_parse_quantity_refuses_non_numbers_from_json(qty):
    with pytest.raises(Invalid):
        quantities.parse_quantity(qty)


@pytest.mark.parametrize("typed,qty", [("12", "12"), (" 12.5 ", "12.5"), ("12,5", "12.5"), (".5", "0.5"),
                                       ("7.", "7"), ("+3", "3"), ("0.125", "0.125"), (12, "12"),
                                       (0.1, "0.1"), (2.5e2, "250")])
def test_parse_quantity_takes_what_people_and_json_write(typed, qty):
    assert quantities.parse_quantity(typed) == Decimal(qty)


@pytest.mark.parametrize("qty", ["-1", "NaN", "Infinity", "abc", "1e30", "0.0001"])
def test_every_form_that_takes_a_quantity_refuses_a_bad_one_and_writes_nothing(lead, plant, qty):
    token = csrf_token(lead, "/scan")
    before = snapshot()
    # The scan page: consume and waste ask for a quantity after the pallet.
    for mode, code in (("CMD:MODE:CONSUME", plant.loaded.lpn), ("CMD:MODE:WASTE", plant.unit.lpn)):
        scan(lead, token, code=mode)
        scan(lead, token, code=code)
        if mode.endswith("WASTE"):
            scan(lead, token, code="CMD:REASON:DAMAGED")
        response, html = scan(lead, token, qty=qty)
        assert response.status_code == 200 and "tone-bad" in html and "Quantity" in html, html[-600:]
        scan(lead, token, code="CMD:CANCEL")
    form_token = csrf_token(lead, "/login")
    wo = lead.post("/work-orders/new", data={"csrf_token": form_token, "number": "WO-77", "product": "HSG-1",
                                             "product_rev": "A", "quantity": qty, "machines": "M1",
                                             "status": "planned", "part": ["RES-100"], "revision": ["B"],
                                             "line_quantity": [qty], "uom": [""]})
    assert wo.status_code == 422 and "Quantity" in wo.get_data(as_text=True)
    output = lead.post("/work-orders/WO-1/output", data={"csrf_token": form_token, "good": qty, "rejected": qty},
                       follow_redirects=True)
    shown = output.get_data(as_text=True)
    assert "quantity" in shown.lower() and "Output recorded" not in shown
    corrected = lead.post("/work-orders/WO-1/corrections", data={"csrf_token": form_token, "entry": plant.entry.id,
                                                                "quantity": qty, "reason": "scale"},
                          follow_redirects=True)
    assert "Quantity" in corrected.get_data(as_text=True) and "corrected:" not in corrected.get_data(as_text=True)
    receipt = lead.post("/api/receipts", headers={"Authorization": f"Bearer {plant.token}"},
                        json={"part": "RES-100", "revision": "B", "quantity": qty})
    assert receipt.status_code == 422 and "Quantity" in receipt.json["detail"]
    for literal in (b"NaN", b"Infinity", b"-Infinity", b"1e999", b"true", b"-5"):
        raw = lead.post("/api/receipts", headers={"Authorization": f"Bearer {plant.token}"},
                        data=b'{"part": "RES-100", "revision": "B", "quantity": ' + literal + b"}",
                        content_type="application/json")
        assert raw.status_code == 422, (literal, raw.get_data(as_text=True))
    assert snapshot() == before


# --- uploads -------------------------------------------------------------------------------------------

def _bomb_png(width=100_000, height=100_000):
    """A PNG whose header claims 10 gigapixels (a few bytes on disk)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


@pytest.mark.parametrize("data, words", [(b"GIF89a not really", "not a photo we can read"),
                                         (b"<svg onload=alert(1)>", "not a photo we can read"),
                                         (_bomb_png(), "too large"), (b"", "")])
def test_uploads_that_are_not_photos_get_a_clear_refusal(lead, plant, data, words):
    before = snapshot()
    api = lead.post("/api/decode", headers={"Authorization": f"Bearer {plant.token}"},
                    data={"image": (io.BytesIO(data), "photo.png")})
    assert api.status_code == 422 and api.mimetype == "application/problem+json" and words in api.json["detail"]
    if data:
        token = csrf_token(lead, "/scan")
        response, html = scan(lead, token, image=(io.BytesIO(data), "photo.png"))
        assert response.status_code == 200 and words in html and "<svg onload" not in html
    assert snapshot() == before


def test_a_decompression_bomb_is_refused_by_the_decoder(app):
    with pytest.raises(Invalid, match="too large"):
        decode.decode(_bomb_png())


def test_too_large_uploads_get_a_readable_413(lead, plant, app):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    def big():
        return io.BytesIO(b"\xff" * (128 * 1024))
    api = lead.post("/api/decode", headers={"Authorization": f"Bearer {plant.token}"},
                    data={"image": (big(), "photo.jpg")})
    assert api.status_code == 413 and api.mimetype == "application/problem+json"
    assert "too large" in api.json["detail"]
    for path, field in (("/scan", "image"), ("/work-orders/import", "file")):
        page = lead.post(path, data={"csrf_token": csrf_token(lead, "/login"), field: (big(), "x.bin")})
        html = page.get_data(as_text=True)
        assert page.status_code == 413 and "That upload is too large" in html and "Traceback" not in html


# --- unknown ids and codes in every URL ------------------------------------------------------------------

UNKNOWN = {"code": "NOPE-404", "lpn": "NOPE-404", "number": "WO-404", "job_id": 999999, "note_id": 999999,
           "name": "NOPE-404.pdf", "kind": "unit", "fmt": "xyz", "day": "2025-02-30", "shift": "Nope",
           "filename": "nope.css", "username": "nope-404", "task_id": 999999, "token_id": 999999,
           "count_id": 999999, "webhook_id": 999999, "plan_id": 999999, "call_id": 999999, "screen_id": 999999,
           "token": "wall_nope-404"}


def test_unknown_ids_in_every_url_get_a_readable_4xx(app, lead, plant):
    token = csrf_token(lead, "/login")
    for rule in app.url_map.iter_rules():
        if not rule.arguments:
            continue
        with app.test_request_context():
            path = url_for(rule.endpoint, **{a: UNKNOWN[a] for a in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            before = snapshot()
            if method == "GET":
                response = lead.get(path)
            else:
                response = lead.open(path, method=method, data={"csrf_token": token}, follow_redirects=True)
            text = response.get_data(as_text=True)
            assert 400 <= response.status_code < 500 or "No such" in text or "No " in text, (method, path)
            assert response.status_code < 500 and "Traceback" not in text, (method, path)
            assert snapshot() == before, (method, path)


def test_the_print_block_of_an_unknown_unit_is_a_404(lead, plant):
    assert lead.get("/labels/block/unit/NOPE-404").status_code == 404
    assert lead.get(f"/labels/block/unit/{plant.unit.lpn}").status_code == 200


# --- what we print and export ----------------------------------------------------------------------------

@pytest.fixture
def hostile_unit(plant):
    part = Part.create(number="EVIL-1", revision="A", description=MARK + "\"'&^XA^FDx^FS~JR", uom="ea")
    return plant.receive(part=part, qty="5", lot="=1+1<i>^XZ~")


def test_labels_escape_what_users_typed(lead, hostile_unit):
    svg = lead.get(f"/labels/units/{hostile_unit.lpn}.svg").get_data(as_text=True)
    assert MARK not in svg and "&lt;b id=" in svg and "<i>" not in svg
    zpl = lead.get(f"/labels/units/{hostile_unit.lpn}.zpl").get_data(as_text=True)
    # One label: the typed ^XA/^XZ/~JR must not become commands (they go out hex-escaped under ^FH).
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1 and "~JR" not in zpl
    sheet = lead.get(f"/labels/sheet?kind=unit&lpns={hostile_unit.lpn}").get_data(as_text=True)
    assert MARK not in sheet and "<i>" not in sheet


def test_pages_escape_what_users_typed(lead, hostile_unit):
    for path in (f"/units/{hostile_unit.lpn}", "/locations/RCV-1", "/inventory", "/search?q=EVIL",
                 f"/units/{hostile_unit.lpn}/hold"):
        html = lead.get(path).get_data(as_text=True)
        assert MARK not in html and "<i>^XZ" not in html, path


def test_csv_exports_do_not_start_a_cell_with_a_formula(lead, hostile_unit):
    text = lead.get("/reports/inventory.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=1+1<i>^XZ~" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    moves = lead.get("/reports/moves.csv").get_data(as_text=True)
    assert "=1+1" not in moves.replace("'=1+1", "")
