"""The labels pages and files through the Flask test client: session or token, the batch form with
its progress widget, the print block on the unit page, escaping in the HTML print page."""
import io
import re
import time

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from staging.domain.people.users import create_token
from staging.media import printing
from staging.store.models import LabelPrint, Part, PrintJob

from .test_labels import FakePrinter, refused_port
from .webutil import csrf_token, login


@pytest.fixture
def plant(web_plant):
    """The web plant with a pallet whose part description and lot are hostile markup."""
    plant = web_plant
    nasty = Part.create(number="NAS-1", revision="A", description="<script>alert('x')</script> \"big\"", uom="ea")
    plant.unit = plant.receive(part=nasty, lot="<img src=x onerror=alert(1)>")
    return plant


@pytest.fixture
def stager(client, plant):
    login(client, "stager1")
    return client


def codes_in_png(data):
    return [r.data.decode() for r in decode(Image.open(io.BytesIO(data)))]


def test_label_files_need_a_session_or_a_token(client, plant):
    lpn = plant.unit.lpn
    assert client.get(f"/labels/units/{lpn}.png").status_code == 401
    assert client.get(f"/labels/units/{lpn}.png", headers={"Authorization": "Bearer nope"}).status_code == 401
    token = create_token("stager1")
    response = client.get(f"/labels/units/{lpn}.zpl", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.data.startswith(b"^XA")
    assert response.mimetype == "application/vnd.zebra-zpl"


@pytest.mark.parametrize("fmt,mimetype", [("png", "image/png"), ("svg", "image/svg+xml"),
                                          ("pdf", "application/pdf"), ("zpl", "application/vnd.zebra-zpl")])
def test_one_unit_and_one_location_in_every_format(stager, plant, fmt, mimetype):
    for path in (f"/labels/units/{plant.unit.lpn}.{fmt}", f"/labels/locations/A-01-1.{fmt}?size=100x50&dpi=300"):
        response = stager.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == mimetype
    assert codes_in_png(stager.get("/labels/locations/A-01-1.png?size=4x6&dpi=300").data) == ["A-01-1"]


def test_unknown_things_and_sizes_are_refused_in_words(stager, plant):
    assert stager.get("/labels/units/NOPE.png").status_code == 404
    response = stager.get(f"/labels/units/{plant.unit.lpn}.png?size=a4")
    assert response.status_code == 422 and "4x6" in response.get_data(as_text=True)
    assert stager.get(f"/labels/units/{plant.unit.lpn}.gif").status_code == 404


def test_an_operator_sees_previews_but_may_not_print(client, plant):
    login(client, "operator1")
    assert client.get(f"/labels/units/{plant.unit.lpn}.png").status_code == 200
    response = client.get(f"/labels/units/{plant.unit.lpn}.pdf")
    assert response.status_code == 403 and "print labels" in response.get_data(as_text=True)
    assert LabelPrint.select().count() == 0


def test_the_labels_page_and_nav(stager):
    html = stager.get("/labels").get_data(as_text=True)
    assert 'name="csrf_token"' in html and 'name="kind"' in html and 'name="output"' in html
    assert 'href="/labels"' in html


def test_a_batch_from_the_page_shows_progress_then_a_download(stager, plant):
    more = [plant.receive(qty="3", lot=f"B{i}").lpn for i in range(3)]
    response = stager.post("/labels", data={"csrf_token": csrf_token(stager, "/labels"), "kind": "unit",
                                            "lpns": "\n".join(more), "size_unit": "4x2", "output": "pdf:a4"})
    assert response.status_code == 303
    job_url = response.location
    deadline = time.monotonic() + 30
    while True:
        target = job_url.replace("/labels/jobs/", "job-")
        fragment = stager.get(job_url, headers={"HX-Request": "true", "HX-Target": target})
        html = fragment.get_data(as_text=True)
        assert "<html" not in html and "HX-Target" in fragment.headers.get("Vary", "")
        if "Download" in html or time.monotonic() > deadline:
            break
        assert 'hx-trigger="load delay' in html and "<progress" in html  # polls by replacing itself
        time.sleep(0.05)
    assert "hx-get" not in html  # done: it stops polling
    link = re.search(r'href="([^"]+/file)"', html).group(1)
    pdf = stager.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]


def test_a_batch_with_a_mistake_shows_it_on_the_page(stager, plant):
    response = stager.post("/labels", data={"csrf_token": csrf_token(stager, "/labels"), "kind": "unit",
                                            "lpns": "NOPE-9", "output": "pdf"})
    assert response.status_code == 404 and "NOPE-9" in response.get_data(as_text=True)
    htmx = stager.post("/labels", headers={"HX-Request": "true"},
                       data={"csrf_token": csrf_token(stager, "/labels"), "kind": "unit", "lpns": "NOPE-9"})
    # The same honest status for htmx: base.html has htmx swap 4xx, so the refusal shows.
    assert htmx.status_code == 404 and "NOPE-9" in htmx.get_data(as_text=True)


def test_the_print_page_escapes_what_users_typed(stager, plant):
    response = stager.post("/labels", data={"csrf_token": csrf_token(stager, "/labels"), "kind": "unit",
                                            "lpns": plant.unit.lpn, "size_unit": "4x2", "output": "html:a4"})
    assert response.status_code == 303
    html = stager.get(response.location).get_data(as_text=True)
    assert "@page { size: 210.0mm 297.0mm; margin: 0; }" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&#x27;x&#x27;)" in html
    assert "<svg" in html


def test_the_unit_page_prints_and_reprints_on_a_network_printer(stager, plant):
    fake = FakePrinter()
    printing.save_printer(plant.users["admin"], "Dock Zebra", "127.0.0.1", fake.port, 203, "4x6")
    lpn = plant.unit.lpn
    page = stager.get(f"/units/{lpn}").get_data(as_text=True)
    assert f'hx-get="/labels/block/unit/{lpn}"' in page
    block = stager.get(f"/labels/block/unit/{lpn}").get_data(as_text=True)
    assert "Print label" in block and "Dock Zebra" in block and "Not printed yet" in block
    form = {"csrf_token": csrf_token(stager, "/labels"), "kind": "unit", "code": lpn, "printer": "Dock Zebra"}
    first = stager.post("/labels/print", data=form, headers={"HX-Request": "true"})
    assert first.status_code == 200 and f"Printed {lpn} on Dock Zebra" in first.get_data(as_text=True)
    assert "Reprint label" in first.get_data(as_text=True)
    second = stager.post("/labels/print", data=form)  # without JS: a whole page
    assert second.status_code == 200 and "<html" in second.get_data(as_text=True)
    assert f"Reprinted {lpn}" in second.get_data(as_text=True)
    jobs = fake.wait(2)
    fake.close()
    assert b"REPRINT" not in jobs[0] and b"REPRINT" in jobs[1]
    assert jobs[0].count(b"^XA") == 1 and b"^FH_^FD<script>alert('x')</script>" in jobs[0]  # text, not a command


def test_a_refusing_printer_keeps_the_label_queued_says_why_in_the_block_and_records_nothing(stager, plant):
    printing.save_printer(plant.users["admin"], "Gone", "127.0.0.1", refused_port(), 203, "4x6")
    form = {"csrf_token": csrf_token(stager, "/labels"), "kind": "unit", "code": plant.unit.lpn, "printer": "Gone"}
    response = stager.post("/labels/print", data=form, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 202 and "Queued on Gone: Gone does not answer (refused the connection)" in html
    assert stager.post("/labels/print", data=form).status_code == 202
    assert PrintJob.select().where(PrintJob.state == "queued").count() == 2
    assert LabelPrint.select().count() == 0


def test_the_location_page_has_a_print_block(stager, plant):
    page = stager.get("/locations/A-01-1").get_data(as_text=True)
    assert 'hx-get="/labels/block/location/A-01-1"' in page
    assert "/labels/locations/A-01-1.svg" in stager.get("/labels/block/location/A-01-1").get_data(as_text=True)


def test_printers_are_set_up_by_an_admin(client, plant):
    login(client, "admin1")
    response = client.post("/labels/printers", data={"csrf_token": csrf_token(client, "/labels/printers"),
                                                     "name": "Line 2", "host": "10.1.2.3", "port": "9100",
                                                     "dpi": "300", "size": "4x2"})
    assert response.status_code == 303
    assert "10.1.2.3:9100" in client.get("/labels/printers").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/labels/printers")})
    login(client, "stager1")
    refused = client.post("/labels/printers", data={"csrf_token": csrf_token(client, "/labels/printers"),
                                                    "name": "X", "host": "10.1.2.4"})
    assert refused.status_code == 403 and "only an admin or above may set up printers" in refused.get_data(as_text=True)
