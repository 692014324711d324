"""The consumed and wasted totals the pages read are the sums of the ledger's rows."""
from ..workorders import verify_totals

PROMISE = "each work order's consumed and wasted totals are the sums of its ledger rows"


def broken():
    return verify_totals()
