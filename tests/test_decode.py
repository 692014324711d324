"""Photos of real barcodes -> text, through staging.decode and POST /api/decode."""
import io

import pytest
from PIL import Image

from staging.domain.people.users import create_token
from staging.media.decode import decode

from .conftest import TESTDATA, shared_photos
from .webutil import user

PHOTOS = TESTDATA / "photos"


photos = shared_photos


def expected(photo):
    return photo.with_suffix(".txt").read_text().replace("\r\n", "\n")


def test_every_test_photo_decodes_to_its_text():
    for photo in photos():
        found = decode(photo.read_bytes())
        assert [c.text for c in found] == [expected(photo)], photo


def test_a_photo_taken_sideways_and_small_still_decodes():
    photo = next(p for p in photos() if p.parent.name == "code128-1" and p.stem == "3")
    image = Image.open(photo).convert("L").rotate(90, expand=True)
    image = image.resize((image.width // 2, image.height // 2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    assert [c.text for c in decode(buffer.getvalue())] == [expected(photo)]


def test_several_codes_in_one_photo_are_all_reported():
    a, b = (Image.open(p).convert("L") for p in photos() if p.parent.name == "code128-1" and p.stem in ("2", "7"))
    sheet = Image.new("L", (max(a.width, b.width) + 40, a.height + b.height + 80), 255)
    sheet.paste(a, (20, 20))
    sheet.paste(b, (20, a.height + 60))
    buffer = io.BytesIO()
    sheet.save(buffer, "PNG")
    assert [c.text for c in decode(buffer.getvalue())] == ["Code 128", "abcdef"]


def test_not_an_image_is_refused():
    from staging.domain.errors import Invalid
    with pytest.raises(Invalid):
        decode(b"not a picture")


@pytest.fixture
def token(app):
    user("api", "operator")
    return create_token("api")


def test_api_decode(client, token):
    for photo in photos():
        response = client.post("/api/decode", headers={"Authorization": f"Bearer {token}"},
                               data={"image": (io.BytesIO(photo.read_bytes()), photo.name)})
        assert response.status_code == 200, response.get_data(as_text=True)
        codes = response.get_json()["codes"]
        assert [c["text"] for c in codes] == [expected(photo)]
        assert codes[0]["symbology"] == ("QRCODE" if photo.parent.name == "qrcode-1" else "CODE128")


def test_api_decode_refusals(client, token):
    auth = {"Authorization": f"Bearer {token}"}
    missing = client.post("/api/decode", headers=auth, data={})
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    junk = client.post("/api/decode", headers=auth, data={"image": (io.BytesIO(b"junk"), "x.png")})
    assert junk.status_code == 422 and "not a photo" in junk.get_json()["detail"]
