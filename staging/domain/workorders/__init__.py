"""Work orders: what they need, whether a unit is the right material for one, what is staged,
loaded, consumed and short per machine, output and yield, and the ERP import.

"What is where" comes from the units table (current state); consumed and wasted come from
WorkOrderTotals, which the consume, scrap and correct verbs keep in their own transaction.
Nothing here scans the ledger (except verify_totals, for `check`).

material     fit_for_load (the one check of every load), check_material, supply, runs_on, machines_of
usage        count_usage (called by the verbs), verify_totals
coverage     per machine and order: required, staged, loaded, consumed, short; the machine's state
board        every machine and output station at a glance
closing      an order that stops taking material: what is left at its line, its tasks, its promises
output       output and yield, usage and hold history
drafts       creating and editing a work order
erp_import   the CSV/XLSX import from the ERP
erp_columns  which column of an ERP file holds what (the mapping step, remembered per plant)"""
from .board import Board, StationView, board
from .closing import leftovers, say_leftovers
from .coverage import (
    STATUS_RANK,
    LineView,
    MachineView,
    OrderView,
    UnitView,
    coverage,
    machine_view,
)
from .drafts import (
    REVISION,
    UOM,
    Draft,
    Errors,
    FormInvalid,
    LineDraft,
    get,
    listing,
    parse_draft,
    save,
)
from .erp_import import (
    COLUMNS,
    HEADER_FIELDS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    Preview,
    Row,
    import_csv,
    preview,
    preview_mapped,
)
from .material import (
    OPEN_STATUSES,
    OVERRIDE,
    WrongMaterial,
    check_material,
    fit_for_load,
    machines_of,
    open_orders_on,
    runs_on,
    supply,
)
from .output import (
    Summary,
    hold_history,
    lines_of,
    order_lines,
    report_output,
    summary,
    usage_entries,
)
from .usage import count_usage, verify_totals

__all__ = [
    "COLUMNS",
    "HEADER_FIELDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "OPEN_STATUSES",
    "OVERRIDE",
    "REQUIRED_COLUMNS",
    "REVISION",
    "STATUS_RANK",
    "UOM",
    "Board",
    "Draft",
    "Errors",
    "FormInvalid",
    "LineDraft",
    "LineView",
    "MachineView",
    "OrderView",
    "Preview",
    "Row",
    "StationView",
    "Summary",
    "UnitView",
    "WrongMaterial",
    "board",
    "check_material",
    "leftovers",
    "say_leftovers",
    "count_usage",
    "coverage",
    "fit_for_load",
    "get",
    "hold_history",
    "import_csv",
    "lines_of",
    "listing",
    "machine_view",
    "machines_of",
    "open_orders_on",
    "order_lines",
    "parse_draft",
    "preview",
    "preview_mapped",
    "report_output",
    "runs_on",
    "save",
    "summary",
    "supply",
    "usage_entries",
    "verify_totals",
]
