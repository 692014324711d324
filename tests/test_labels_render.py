"""Every label kind and size scans back to exactly its payload: PNG at 203 and 300 dpi through
pyzbar, the PDF through pdftoppm and pyzbar; GS1-128 SSCCs that biip reads; ZPL whose ^BC data
is the same symbol; typed text that stays text in SVG and ZPL."""
import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import biip
import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from staging.domain.errors import Invalid
from staging.domain.scan import scanner_check
from staging.domain.scan.commands import ANDON, COMMANDS, MACHINE_COMMANDS, REASONS
from staging.media import labels

SSCC = "012345678901234560"
NASTY = "<script>alert(\"x\")</script> & 'quotes' ^XZ^XA^FDinjected~JA _under"


def unit(sscc=SSCC, **extra):
    fields = {"lpn": "P000123", "part": "RES-PP-100", "revision": "B", "description": NASTY,
              "qty": "1000", "uom": "kg", "lot": "L-42 <b>\"", "work_order": "WO-1001",
              "staged_for": "M1 Press 1", "date": "2026-11-25", "received": "2026-11-20", "plant": "Plant",
              "sscc": sscc, "sscc_ai": f"00{sscc}" if sscc else "", "sscc_hri": f"(00) {sscc}" if sscc else "",
              "reprint": ""}
    fields.update(extra)
    return labels.Label("unit", fields["lpn"], fields)


LOCATION = labels.Label("location", "A-01-1", {"code": "A-01-1", "name": "Rack A <bay> 1", "kind": "STORAGE",
                                           "parent": "R-A"})
BADGE = labels.Label("badge", "B-1001",
                     {"badge": "B-1001", "name": "Lena \"Lead\"", "username": "lena", "role": "LEAD"})
CARD = labels.Label("card", "KB000001", {"code": "KB000001", "title": "KANBAN", "part": "FST-M6 rev C",
                                         "description": NASTY, "qty": "40 ea", "place": "L-M1", "loop": "card 1 of 2"})
COMMAND_PAYLOADS = ({p for p, _ in COMMANDS} | {f"CMD:REASON:{c}" for c, _ in REASONS} | {scanner_check.EXPECTED}
                    | {f"CMD:{c}" for c, _ in ANDON} | {f"CMD:MACHINE:{c}" for c, _ in MACHINE_COMMANDS})
TOOL = labels.Label("tool", "GA-7", {"code": "GA-7", "name": "Caliper 150 mm", "kind": "GAUGE"})


def expected(label, size):
    if label.kind == "commands":
        return COMMAND_PAYLOADS
    if label.kind == "unit":
        return {label.fields["lpn"]} | ({label.fields["sscc_ai"]} if size == "4x6" and label.fields["sscc"] else set())
    return {label.code}


def cases():
    for label in (unit(), LOCATION, BADGE, CARD, TOOL, labels.command_sheet()):
        for size in labels.KINDS[label.kind]:
            yield pytest.param(label, size, id=f"{label.kind}-{size}")


def decoded(image):
    return sorted(r.data.decode() for r in decode(image))


@pytest.mark.parametrize("dpi", labels.DPIS)
@pytest.mark.parametrize("label,size", cases())
def test_every_kind_and_size_decodes_to_exactly_its_payload(label, size, dpi):
    image = Image.open(io.BytesIO(labels.png(label, size, dpi)))
    width, height = labels.SIZES[size].width, labels.SIZES[size].height
    assert image.size == (round(width * dpi / 25.4), round(height * dpi / 25.4))
    assert decoded(image) == sorted(expected(label, size))


@pytest.mark.parametrize("dpi", labels.DPIS)
def test_raster_bars_are_whole_printer_dots_per_module(dpi):
    placed = labels.place(unit(), "4x6", dpi)
    image = Image.open(io.BytesIO(labels.png(unit(), "4x6", dpi))).convert("L")
    for bars in [it for it in placed.items if isinstance(it, labels.Bars)]:
        row = [image.getpixel((x, bars.y + bars.h // 2)) < 128 for x in range(bars.x, bars.x + bars.width)]
        runs = [len(m.group()) for m in re.finditer("1+|0+", "".join("1" if b else "0" for b in row))]
        assert bars.module >= 2
        assert all(run % bars.module == 0 for run in runs)
        modules = "".join(("1" if row[i] else "0") for i in range(0, len(row), bars.module))
        assert modules == bars.pattern


@pytest.fixture(scope="module")
def pdftoppm():
    path = shutil.which("pdftoppm")
    if path is None:
        pytest.fail("pdftoppm is missing: `make test` installs poppler-utils")
    return path


def pdf_pages(pdftoppm, data, tmp_path, dpi=300):
    (tmp_path / "in.pdf").write_bytes(data)
    subprocess.run([pdftoppm, "-r", str(dpi), "-gray", "-png", str(tmp_path / "in.pdf"), str(tmp_path / "page")],
                   check=True)
    return [Image.open(p) for p in sorted(tmp_path.glob("page*.png"))]


@pytest.mark.parametrize("label,size", cases())
def test_the_pdf_rendered_to_an_image_decodes_too(label, size, pdftoppm, tmp_path):
    pages = pdf_pages(pdftoppm, labels.pdf([label], size), tmp_path)
    assert len(pages) == 1
    assert decoded(pages[0]) == sorted(expected(label, size))


def test_a_pdf_batch_has_a_page_per_label_at_the_label_size(pdftoppm, tmp_path):
    batch = [unit(lpn=f"P00{n:04d}", sscc="") for n in range(1, 6)]
    pages = pdf_pages(pdftoppm, labels.pdf(batch, "4x2"), tmp_path, dpi=203)
    assert [decoded(p) for p in pages] == [[f"P00{n:04d}"] for n in range(1, 6)]
    assert pages[0].size == (round(101.6 / 25.4 * 203), round(50.8 / 25.4 * 203))


def test_labels_on_an_a4_sheet_all_decode(pdftoppm, tmp_path):
    batch = [labels.Label("location", f"B-{n:02d}", {"code": f"B-{n:02d}", "name": f"Bin {n}", "kind": "STORAGE",
                                                 "parent": ""}) for n in range(12)]
    pages = pdf_pages(pdftoppm, labels.pdf(batch, "100x50", sheet="a4"), tmp_path)
    per_page = len(labels.sheet_slots(labels.SIZES["100x50"], labels.SIZES["a4"]))
    assert len(pages) == -(-12 // per_page)
    assert sorted(code for page in pages for code in decoded(page)) == [f"B-{n:02d}" for n in range(12)]


def test_the_pdf_barcodes_are_vectors_not_images():
    data = labels.pdf([unit()], "4x6")
    assert data.startswith(b"%PDF") and b"/Subtype /Image" not in data


# --- GS1 ----------------------------------------------------------------------------------------------

def test_the_test_sscc_is_valid_and_a_wrong_check_digit_is_rejected():
    assert labels.valid_sscc("012345678901234560") == "012345678901234560"
    assert labels.valid_sscc("012345678901234567") is None
    assert labels.make_sscc("0", "1234567890", 123456) == "012345678901234560"


def test_make_sscc_refuses_a_bad_prefix_and_an_exhausted_range():
    with pytest.raises(Invalid):
        labels.make_sscc("0", "12AB567", 1)
    with pytest.raises(Invalid, match="used up"):
        labels.make_sscc("0", "123456789012", 10 ** 4)


@pytest.mark.parametrize("dpi", labels.DPIS)
def test_the_gs1_label_decodes_to_an_element_string_biip_parses_to_the_same_sscc(dpi):
    image = Image.open(io.BytesIO(labels.png(unit(), "4x6", dpi)))
    gs1 = [code for code in decoded(image) if code.startswith("00")]
    assert len(gs1) == 1
    assert "(" not in gs1[0]  # parentheses are for people; in the symbol they would be data
    assert biip.parse(gs1[0]).sscc.value == SSCC


def test_gs1_128_starts_with_fnc1_and_zpl_uses_the_printers_fnc1():
    pattern, zpl = labels.encode("00" + SSCC, gs1=True)
    assert zpl == ">;>8" + "00" + SSCC  # start C, FNC1, then digit pairs
    plain, _ = labels.encode("00" + SSCC)
    assert pattern != plain  # the FNC1 is in the symbol


# --- ZPL -----------------------------------------------------------------------------------------------

def zpl_values(data):
    """Code 128 symbol values from ^BC field data, read as the ZPL manual says a printer does."""
    starts = {">9": ("A", 103), ">:": ("B", 104), ">;": ("C", 105)}
    subset, value = starts[data[:2]]
    values, i = [value], 2
    while i < len(data):
        if data[i] == ">":
            code = data[i + 1]
            if code == "<":
                values.append(ord(">") - 32)
            else:
                values.append(94 + int(code))
                switch = {99: "C", 100: "B", 101: "A"}.get(values[-1])
                subset = switch or subset
            i += 2
        elif subset == "C":
            values.append(int(data[i:i + 2]))
            i += 2
        else:
            values.append(ord(data[i]) - 32)
            i += 1
    return values


@pytest.mark.parametrize("payload,gs1", [("P000123", False), ("A-01-1", False), ("CMD:MODE:UNLOAD", False),
                                         ("CMD:REASON:CONTAMINATED", False), ("12345678", False),
                                         ("X>Y", False), ("00" + SSCC, True)])
def test_zpl_barcode_data_is_the_same_symbol_as_the_raster(payload, gs1):
    from barcode.codex import Code128, Gs1_128
    _, zpl = labels.encode(payload, gs1)
    assert zpl_values(zpl) == (Gs1_128 if gs1 else Code128)(payload)._build()


def parse_formats(data):
    text = data.decode()
    return re.findall(r"\^XA.*?\^XZ", text, re.S)


def test_zpl_has_one_format_per_label_sized_for_the_media():
    batch = [unit(lpn=f"P{n:06d}") for n in range(1, 4)]
    for size, dpi, width in (("4x6", 203, 812), ("4x2", 300, 1200), ("100x50", 203, 799)):
        data = labels.zpl(batch, size, dpi)
        formats = parse_formats(data)
        assert len(formats) == 3 and data.decode().strip().startswith("^XA") and data.decode().strip().endswith("^XZ")
        assert all(f"^PW{width}" in f for f in formats)
        assert all(f"^FDP{n:06d}^FS" in f for n, f in zip(range(1, 4), formats))  # the text under the bars


def test_typed_text_cannot_inject_zpl_commands():
    data = labels.zpl([unit(description="^XZ^XA^FDevil^FS~JA", lot="~JR^DFR:X.ZPL")], "4x6").decode()
    assert data.count("^XA") == 1 and data.count("^XZ") == 1
    assert "~J" not in data and "^DF" not in data and "evil^FS" not in data
    assert "_5EXZ_5EXA_5EFDevil" in data  # ^FH hex escapes: printed as text


def test_a_barcode_payload_with_zpl_control_characters_is_refused():
    with pytest.raises(Invalid, match="cannot be printed as a barcode"):
        labels.encode("A^XZ")


def test_a_code_too_long_for_the_label_says_so():
    long = labels.Label("location", "X", {"code": "LONG-LOCATION-CODE-" * 2, "name": "", "kind": "", "parent": ""})
    with pytest.raises(Invalid, match="too long for this label size"):
        labels.png(long, "100x50", 203)


# --- SVG -----------------------------------------------------------------------------------------------

def test_typed_text_is_escaped_in_svg_and_stays_the_same_text():
    document = labels.svg(unit(), "4x6")
    assert "<script" not in document and "&lt;script&gt;" in document
    root = ET.fromstring(document)  # well-formed: nothing typed broke out of its element
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "alert(\"x\")" in texts and "L-42 <b>\"" in texts
    assert root.get("width") == "101.6mm" and root.get("height") == "152.4mm"


def test_a_reprinted_unit_label_says_reprint():
    label = unit()
    label.mark_reprint()
    assert "REPRINT" in labels.svg(label, "4x2") and "REPRINT" in labels.zpl([label], "4x6").decode()
    label.mark_reprint(False)
    assert "REPRINT" not in labels.svg(label, "4x2")


def test_long_text_is_fitted_not_spilled():
    label = unit(description="Very long description " * 20, part="PART-WITH-A-VERY-LONG-NUMBER-123456")
    placed = labels.place(label, "4x2", 203)
    for text in [it for it in placed.items if isinstance(it, labels.Text)]:
        assert all(labels._width(line, text.size, text.bold) <= text.w + 1 for line in text.lines)


def test_a_plant_edit_to_a_layout_shows_on_the_next_label(tmp_path, monkeypatch):
    # Layouts are compiled once per resolution and their fitted texts remembered; an edited
    # file must still win at once, without a restart.
    for source in labels.LAYOUTS.glob("*.toml"):
        shutil.copy(source, tmp_path / source.name)
    monkeypatch.setattr(labels, "LAYOUTS", tmp_path)
    layout = tmp_path / "unit-4x6.toml"
    assert "Printed 2026-11-25" in labels.zpl([unit()], "4x6").decode()
    layout.write_text(layout.read_text().replace('text = "Printed {date}"', 'text = "Labelled {date} ^pr"'))
    stat = layout.stat()
    os.utime(layout, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # coarse clocks
    after = labels.zpl([unit()], "4x6").decode()
    assert "Labelled 2026-11-25 _5Epr" in after and "Printed" not in after
