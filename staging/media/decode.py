"""Photos -> barcodes, for phones without a scanner (the scan page's camera button, POST /api/decode).

pyzbar first, with the preprocessing real photos need (EXIF rotation, grey scale, scaling,
contrast, thresholding, rotation); zxing-cpp reads the same image as a second decoder. Where both
read a symbol, zxing-cpp's text wins: it decodes Code 128's extended characters (FNC4), which zbar
returns garbled, and it reports GS1 (FNC1) content, which zbar cannot tell from plain Code 128."""
import io
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError
from pyzbar import pyzbar

from ..domain.codes import parse_gs1
from ..domain.errors import Invalid

MAX_PIXELS = 40_000_000  # a 40 MP photo; anything bigger is not a phone photo
WORK_SIDE = 1600  # decoders are slower, not better, above this on a phone photo
SMALL_SIDE = 640  # below this, thin bars need upscaling for zbar

# zxing-cpp format names -> the names pyzbar uses, so the API says one thing for one symbology.
NAMES = {"Code128": "CODE128", "QRCode": "QRCODE", "DataMatrix": "DATAMATRIX", "EAN13": "EAN13",
         "EAN8": "EAN8", "UPCA": "UPCA", "UPCE": "UPCE", "Code39": "CODE39", "Code93": "CODE93",
         "ITF": "I25", "PDF417": "PDF417", "Codabar": "CODABAR", "DataBar": "DATABAR",
         "DataBarExpanded": "DATABAR_EXP", "DataBarExp": "DATABAR_EXP", "Aztec": "AZTEC",
         "MicroQRCode": "MICROQR"}


@dataclass
class Code:
    text: str
    symbology: str
    gs1: bool = False
    box: tuple = (0, 0, 0, 0)  # left, top, right, bottom in the decoded image

    def as_json(self):
        return {"text": self.text, "symbology": self.symbology, "gs1": self.gs1}

    @property
    def scan_text(self):
        """The text as the scan flow takes it: GS1 content gets its ]C1 mark back (a wedge sends
        it too), so codes.resolve reads it as an element string whatever AI it starts with."""
        if self.gs1 and parse_gs1("]C1" + self.text) is not None:
            return "]C1" + self.text
        return self.text


def decode(data):
    """Every barcode in an image file (bytes), without duplicates, top to bottom."""
    image = _open(data)
    found = _merge(_zxing(image), _zbar(image))
    if not found:
        for variant in _variants(image):
            found = _zbar(variant) or _zxing(variant)
            if found:
                break
    return sorted(found, key=lambda c: (c.box[1], c.box[0]))


def _open(data):
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise Invalid("The photo is too large: take it at a lower resolution.")
        image.load()
    except Image.DecompressionBombError:  # a header claiming more pixels than any photo has
        raise Invalid("The photo is too large: take it at a lower resolution.") from None
    except (UnidentifiedImageError, OSError):
        raise Invalid("That file is not a photo we can read (send a JPEG or PNG).") from None
    image = ImageOps.exif_transpose(image)  # phones store the camera's rotation in EXIF
    grey = image.convert("L")
    if max(grey.size) > WORK_SIDE:
        grey.thumbnail((WORK_SIDE, WORK_SIDE), Image.LANCZOS)
    return grey


def _variants(grey):
    """Second chances for hard photos, cheapest first."""
    if max(grey.size) < SMALL_SIDE:
        yield grey.resize((grey.width * 2, grey.height * 2), Image.LANCZOS)
    contrasted = ImageOps.autocontrast(grey, cutoff=2)
    yield contrasted
    yield contrasted.filter(ImageFilter.SHARPEN)
    threshold = _otsu(contrasted)
    yield contrasted.point(lambda p: 255 if p > threshold else 0)
    for angle in (90, 45, -45):
        yield contrasted.rotate(angle, expand=True, fillcolor=255)


def _otsu(grey):
    """The grey level that best splits a histogram into ink and paper (Otsu's method)."""
    hist = grey.histogram()
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    best, best_var, weight_b, sum_b = 127, 0.0, 0, 0
    for level, count in enumerate(hist):
        weight_b += count
        if weight_b == 0 or weight_b == total:
            continue
        sum_b += level * count
        mean_b, mean_f = sum_b / weight_b, (sum_all - sum_b) / (total - weight_b)
        between = weight_b * (total - weight_b) * (mean_b - mean_f) ** 2
        if between > best_var:
            best, best_var = level, between
    return best


def _zbar(grey):
    codes = []
    for symbol in pyzbar.decode(grey):
        try:
            text = symbol.data.decode("utf-8")
        except UnicodeDecodeError:
            text = symbol.data.decode("latin-1")
        r = symbol.rect
        codes.append(Code(_tidy(text), symbol.type, box=(r.left, r.top, r.left + r.width, r.top + r.height)))
    return codes


def _zxing(grey):
    codes = []
    for result in zxingcpp.read_barcodes(grey, text_mode=zxingcpp.TextMode.Plain):
        points = [result.position.top_left, result.position.top_right,
                  result.position.bottom_left, result.position.bottom_right]
        xs, ys = [p.x for p in points], [p.y for p in points]
        name = result.format.name
        codes.append(Code(_tidy(result.text), NAMES.get(name, name.upper()),
                          gs1=result.content_type == zxingcpp.ContentType.GS1,
                          box=(min(xs), min(ys), max(xs), max(ys))))
    return codes


def _tidy(text):
    return text.replace("\r\n", "\n")


def _merge(first, second):
    """Codes from both decoders; one code per symbol (first decoder wins where they overlap)."""
    merged = list(first)
    for code in second:
        if any(code.text == other.text or _overlap(code.box, other.box) for other in merged):
            continue
        merged.append(code)
    return merged


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
