"""A small plant for tests, built with the same domain functions the app uses."""
from decimal import Decimal

from staging.domain import codes, inventory
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_user
from staging.store.models import Location, Part, WorkOrder, WorkOrderLine


def loc(code, kind, parent=None, holds=True, capacity=None, active=True, name=None):
    location = Location.create(code=code, name=name or code.title(), kind=kind, parent=parent,
                               holds_units=holds, capacity=capacity, active=active, sort_key=code)
    codes.register(location, code)
    return location


class Plant:
    """Locations, parts, a work order and one user per role."""

    def __init__(self):
        self.dock = loc("RCV-1", "receiving")
        self.rack = loc("R-A", "storage", holds=False, name="Rack A")
        self.bin1 = loc("A-01-1", "storage", self.rack)
        self.bin2 = loc("A-01-2", "storage", self.rack, capacity=1)
        self.closed = loc("A-01-3", "storage", self.rack, active=False)
        self.lane = loc("LANE-1", "staging")
        self.machine = loc("M1", "machine")
        self.machine2 = loc("M2", "machine")
        self.qc = loc("QC-HOLD", "qc_hold")
        self.scrap = loc("SCRAP", "scrap")
        self.resin_b = Part.create(number="RES-100", revision="B", description="Resin", uom="kg")
        self.resin_a = Part.create(number="RES-100", revision="A", description="Resin (old)", uom="kg")
        self.screw = Part.create(number="FST-M6", revision="C", description="Screw M6", uom="ea")
        self.product = Part.create(number="HSG-1", revision="A", description="Housing")
        self.wo = WorkOrder.create(number="WO-1", part=self.product, quantity=100, machine=self.machine,
                                   status="running")
        codes.register(self.wo, self.wo.number)
        WorkOrderLine.create(work_order=self.wo, part=self.resin_b, quantity=Decimal("500"))
        self.users = {role: create_user(f"{role}1", role, "password-123") for role in
                      ("operator", "stager", "lead", "admin")}
        self.operator = self.users["operator"]
        self.stager = self.users["stager"]
        self.lead = self.users["lead"]

    def ctx(self, role="operator", scan_id=None):
        return Ctx(self.users[role], device="test-device", scan_id=scan_id)

    def receive(self, part=None, qty="100", lot="L1", at=None):
        return inventory.receive(self.ctx("stager"), part or self.resin_b, qty, at, lot=lot).unit


def until_a_lock_is_waited_for(postgres_url, application_name=None, seconds=30):
    """PostgreSQL: return once a session (of `application_name`, if given) waits on a lock, or after
    `seconds`. A test that holds a row while the app's move runs into it goes on from there: a fixed
    sleep is too short on a busy machine, and then the test proves nothing (or fails by chance)."""
    import time

    import psycopg2
    watcher = psycopg2.connect(postgres_url)
    watcher.autocommit = True
    query = "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    if application_name:
        query += " AND application_name = %(name)s"
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            cursor = watcher.cursor()
            cursor.execute(query, {"name": application_name})
            if cursor.fetchall():
                return
            time.sleep(0.02)
    finally:
        watcher.close()
