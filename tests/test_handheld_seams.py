"""The handheld's seams through HTTP: a refusal naming a person keeps the session serializable, and
a queued scan's signed step is taken only from its own person and only when it is genuine."""
import re

from staging.domain import words
from staging.domain.errors import Conflict
from staging.domain.scan import scanning
from staging.store.models import Entry

from .test_scan_web import plant, scan  # noqa: F401 (fixture and helper)
from .webutil import csrf_token, login, user

STEP = re.compile(r'data-step="([^"]*)"')


def test_a_sentence_naming_a_person_is_kept_in_the_session_by_name(web_plant):
    refusal = Conflict("Task {task} is taken by {person}: take the next one.", task=2, person=web_plant.operator)
    outcome = scanning.Outcome("bad", scanning.refused_title(refusal), refusal.words)
    import json
    kept = json.loads(json.dumps(outcome.dump()))  # what the session cookie can hold
    assert str(words.load(kept["detail"])) == "Task 2 is taken by operator1: take the next one."


def test_a_half_done_move_comes_back_only_for_its_own_person_and_only_signed(client, plant):  # noqa: F811
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    html = scan(client, token, plant.unit.lpn, script=True, scan_id="a1").get_data(as_text=True)
    step = STEP.search(html).group(1)
    assert step and plant.unit.lpn not in step.split(".")[-1]  # opaque, signed
    client.post("/logout", data={"csrf_token": token})

    user("omar", "operator")  # another person cannot take her step
    login(client, "omar")
    token = csrf_token(client, "/scan")
    html = scan(client, token, "A-01-1", script=True, step=step, scan_id="b1").get_data(as_text=True)
    assert "A-01-1: scan pallets" in html
    assert not Entry.select().where(Entry.kind == "move").exists()
    client.post("/logout", data={"csrf_token": token})

    login(client, "operator1")  # a forged step is ignored; her own genuine one completes the move
    token = csrf_token(client, "/scan")
    html = scan(client, token, "A-01-1", script=True, step=step[:-2] + "xx", scan_id="c1").get_data(as_text=True)
    assert "A-01-1: scan pallets" in html
    scan(client, token, "CMD:CANCEL", script=True, scan_id="c2")
    html = scan(client, token, "A-01-1", script=True, step=step, scan_id="c3").get_data(as_text=True)
    assert f"{plant.unit.lpn} → A-01-1" in html
    assert [(e.unit.lpn, e.to_location.code, e.user.username) for e in Entry.select().where(Entry.kind == "move")] \
        == [(plant.unit.lpn, "A-01-1", "operator1")]


def test_dropping_set_aside_scans_needs_a_lead_and_a_reason(client, plant):  # noqa: F811
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    refused = client.post("/scan/aside/drop", data={"csrf_token": token, "user": "olga", "count": "1", "reason": "x"})
    assert refused.status_code == 403 and refused.json["error"]
    client.post("/logout", data={"csrf_token": token})
    login(client, "lead1")
    token = csrf_token(client, "/scan")
    empty = client.post("/scan/aside/drop", data={"csrf_token": token, "user": "olga", "count": "1", "reason": " "})
    assert empty.status_code == 422 and "Say why" in empty.json["error"]
    done = client.post("/scan/aside/drop", data={"csrf_token": token, "user": "olga", "count": "2", "reason": "gone"})
    assert done.status_code == 200 and done.json["said"] == "Scans of olga dropped (2): gone"
