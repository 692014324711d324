"""An import preview's pages and carried file through the Flask test client: any page number is
kept within the pages there are, a mangled carried file is refused on the page, nothing written."""
import gzip
import io
import re

from staging.store.models import Location
from staging.web import import_preview

from .test_setup import _post, admin_client  # noqa: F401 (an admin signed in)

FILE = "code,name,kind,parent,capacity\n" + "".join(f"B-{i:03d},Bin,storage,,\n" for i in range(250))


def _preview(client, **form):
    data = {"file": (io.BytesIO(FILE.encode()), "locations.csv"), "step": "preview", **form}
    return _post(client, "/setup/import/locations", data, content_type="multipart/form-data")


def test_the_carried_file_is_compressed_and_comes_back_as_it_was(admin_client):  # noqa: F811
    html = _preview(admin_client).get_data(as_text=True)
    carried = re.search(r'name="data" value="([^"]+)"', html).group(1)
    assert len(carried) < len(FILE) / 3
    assert import_preview.carried(carried, 10_000) == FILE.encode()
    assert gzip.decompress(import_preview.carried(import_preview.carry(gzip.compress(b"x")), 100)) == b"x"
    assert import_preview.carried("%%% not base64", 100) == b""


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_there_is(admin_client):  # noqa: F811
    for asked, shown in (("999", "Page 3 of 3 (250)"), ("abc", "Page 1 of 3 (250)"), ("-4", "Page 1 of 3 (250)"),
                         ("2", "Page 2 of 3 (250)")):
        response = _preview(admin_client, good_page=asked)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and shown in html, asked
    assert "B-150" in html and "B-050" not in html and "B-249" not in html  # page 2: rows 101-200
    assert Location.select().count() == 0


def test_a_mangled_carried_file_is_refused_on_the_page(admin_client):  # noqa: F811
    response = _post(admin_client, "/setup/import/locations", {"data": "H4sI!!broken", "filename": "l.csv",
                                                               "step": "import"})
    assert response.status_code == 422 and "alert error" in response.get_data(as_text=True)
    assert Location.select().count() == 0


def test_the_file_is_in_the_page_once_whether_or_not_there_is_anything_to_import(admin_client):  # noqa: F811
    html = _preview(admin_client).get_data(as_text=True)
    assert html.count('name="data"') == 1 and 'form="import-confirm"' in html  # the pager uses the import form
    bad = "code,name,kind,parent,capacity\n" + "".join(f"X-{i:03d},Bin,cupboard,,\n" for i in range(150))
    data = {"file": (io.BytesIO(bad.encode()), "locations.csv"), "step": "preview", "refused_page": "2"}
    response = _post(admin_client, "/setup/import/locations", data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert html.count('name="data"') == 1 and 'form="preview-file"' in html and 'id="preview-file"' in html
    assert "Page 2 of 2 (150)" in html and "X-120" in html and "X-020" not in html
