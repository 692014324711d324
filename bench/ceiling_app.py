"""The ceiling for scan-move: a bare Flask + peewee endpoint on the same database and server
settings, doing the least a move can do — read one row, write one update and one insert, in
one write transaction. No auth, no checks, no idempotency, no serialisation beyond a tiny JSON."""
import os

from flask import Flask, jsonify, request

from staging.config import Config
from staging.store.db import init_app, write_transaction
from staging.store.models import Entry, Unit, utcnow

app = Flask(__name__)
# The app's own database settings and connection hooks: the only difference is the work.
app.config.update(DATABASE_URL=os.environ["DATABASE_URL"], SQLITE_BUSY_TIMEOUT=Config.SQLITE_BUSY_TIMEOUT)
init_app(app)


@app.get("/healthz")
def healthz():
    return "ok"


@app.post("/ceiling/move")
def move():
    body = request.get_json()
    with write_transaction():
        unit_id, location_id = (Unit.select(Unit.id, Unit.location).where(Unit.lpn == body["unit"])
                                .tuples().get())
        to = int(body["to_id"])
        Unit.update(location=to, updated_at=utcnow()).where(Unit.id == unit_id).execute()
        entry = Entry.insert(unit=unit_id, kind="move", from_location=location_id, to_location=to,
                             quantity=0, delta=0, status="stock").execute()
    return jsonify(id=entry), 201
