"""Property-based: any sequence of receive, move, split, consume and scrap keeps quantities
non-negative and the ledger replay (`check`) green. Refusals must write nothing."""
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staging.domain import inventory
from staging.domain.errors import DomainError
from staging.domain.inventory import ledger
from staging.store.db import bind, db, migrate, open_database
from staging.store.models import Entry, Unit

from .plant import Plant

PLACES = ["RCV-1", "A-01-1", "A-01-2", "A-01-3", "LANE-1", "M1", "M2", "QC-HOLD", "SCRAP", "R-A", "NOPE"]
quantities = st.one_of(
    st.decimals(min_value=Decimal("-5"), max_value=Decimal("300"), places=3, allow_nan=False),
    st.sampled_from(["NaN", "abc", "1e20", "0", "-0", "Infinity"]),
)
operations = st.lists(st.one_of(
    st.tuples(st.just("receive"), quantities),
    st.tuples(st.just("move"), st.integers(0, 9), st.sampled_from(PLACES)),
    st.tuples(st.just("split"), st.integers(0, 9), quantities, st.sampled_from(PLACES)),
    st.tuples(st.just("consume"), st.integers(0, 9), quantities),
    st.tuples(st.just("scrap"), st.integers(0, 9), quantities),
), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_any_sequence_keeps_stock_and_ledger_consistent(tmp_path_factory, ops):
    bind(open_database(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}"))
    migrate()
    try:
        plant = Plant()
        lpns = []
        for op in ops:
            before = Entry.select().count()
            try:
                if op[0] == "receive":
                    lpns.append(inventory.receive(plant.ctx("stager"), plant.resin_b, op[1]).unit.lpn)
                elif not lpns:
                    continue
                elif op[0] == "move":
                    inventory.move(plant.ctx(), lpns[op[1] % len(lpns)], op[2])
                elif op[0] == "split":
                    lpns.append(inventory.split(plant.ctx(), lpns[op[1] % len(lpns)], op[2], op[3]).unit.lpn)
                elif op[0] == "consume":
                    inventory.consume(plant.ctx(), lpns[op[1] % len(lpns)], op[2])
                elif op[0] == "scrap":
                    inventory.scrap(plant.ctx(), lpns[op[1] % len(lpns)], op[2], reason="test")
            except DomainError:
                assert Entry.select().count() == before  # a refusal writes nothing
        assert Unit.select().where(Unit.quantity < 0).count() == 0
        assert ledger.verify() == []
    finally:
        db.close()
