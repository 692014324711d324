"""Badge codes stay secret: a label batch's file is its owner's and an admin's only, and the change
history says that a badge was issued, never its code (also for rows written before)."""
import json
import time

import pytest
from playhouse.migrations import Runner

from staging.domain.people import badges
from staging.domain.people.users import create_token
from staging.domain.setup import people as setup_people
from staging.store.db import MIGRATIONS, bind, db, migrate, open_database
from staging.store.models import MasterChange

from .webutil import csrf_token, login


def digits(code):
    """A badge's digits as ZPL carries them (Code 128 switches to subset C after the B)."""
    return code[1:].encode()


@pytest.fixture
def badge_batch(client, web_plant):
    """An admin's ZPL batch of every badge, finished; returns (job file URL, the codes in it)."""
    admin = web_plant.users["admin"]
    codes = [badges.reissue(admin, name) for name in ("operator1", "lead1", "admin1")]
    login(client, "admin1")
    made = client.post("/labels", data={"csrf_token": csrf_token(client, "/labels"), "kind": "badge",
                                        "usernames": "", "output": "zpl"})
    assert made.status_code == 303
    url = made.location + "/file"
    deadline = time.monotonic() + 30
    while client.get(url).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    file = client.get(url)
    assert file.status_code == 200 and all(digits(code) in file.data for code in codes)
    client.get("/logout")
    return url, codes


def test_a_lead_cannot_fetch_an_admins_badge_batch_by_session(app, badge_batch):
    url, codes = badge_batch
    lead = app.test_client()
    login(lead, "lead1")
    for path in (url, url.removesuffix("/file")):  # neither the file nor the job's page
        response = lead.get(path)
        assert response.status_code == 404
        assert not any(digits(code) in response.data for code in codes)
    page = lead.get("/labels").get_data(as_text=True)
    assert url not in page


def test_a_lead_cannot_fetch_an_admins_badge_batch_by_token(app, badge_batch):
    url, codes = badge_batch
    for name in ("lead1", "stager1"):
        response = app.test_client().get(url, headers={"Authorization": "Bearer " + create_token(name)})
        assert response.status_code in (401, 404)
        assert not any(digits(code) in response.data for code in codes)


def test_another_admin_may_fetch_the_batch(app, badge_batch):
    from .webutil import user
    user("admin2", "admin")
    response = app.test_client().get(badge_batch[0], headers={"Authorization": "Bearer " + create_token("admin2")})
    assert response.status_code == 200


def test_the_change_history_says_a_badge_was_issued_never_its_code(client, web_plant):
    admin = web_plant.users["admin"]
    setup_people.save(admin, {"username": "nina", "role": "operator", "badge": "B78787878787878787878"})
    setup_people.save(admin, {"username": "lead1", "badge": "B12121212121212121212"})
    badges.reissue(admin, "operator1")
    new_code = badges.reissue(admin, "operator1")
    login(client, "lead1")
    page = client.get("/setup/changes?kind=user").get_data(as_text=True)
    for code in ("B78787878787878787878", "B12121212121212121212", new_code):
        assert code not in page
    assert "issued" in page and "reissued" in page
    stored = " ".join(f"{row.before} {row.after}" for row in MasterChange.select())
    assert "B7878" not in stored and "B1212" not in stored and new_code not in stored


def test_the_upgrade_masks_badge_codes_already_in_the_history(database_url):
    bind(open_database(database_url))
    Runner(db.obj, str(MIGRATIONS)).up(target="0020_printer_serves")
    values = {"username": "nina", "role": "operator", "badge": "B78787878787878787878"}
    MasterChange.create(kind="user", code="nina", before=None, after=json.dumps(values))
    MasterChange.create(kind="user", code="sam", before=json.dumps({**values, "badge": None}),
                        after=json.dumps({**values, "badge": "B11111111111111111111"}))
    MasterChange.create(kind="part", code="P-1", before=None, after=json.dumps({"badge": "kept"}))
    migrate()
    rows = {row.code: row for row in MasterChange.select()}
    assert json.loads(rows["nina"].after) == {**values, "badge": "issued"}
    assert json.loads(rows["sam"].before)["badge"] is None
    assert json.loads(rows["sam"].after)["badge"] == "issued"
    assert json.loads(rows["P-1"].after) == {"badge": "kept"}
    db.close()
