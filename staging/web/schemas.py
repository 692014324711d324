"""The API's request and response shapes (pydantic). spectree validates requests with them and
generates /api/openapi.json from them, so the document cannot drift from what is enforced."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictFloat, StrictInt

from .schemas_machines import MachineStateOut

LocationKind = Literal["receiving", "storage", "staging", "machine", "output", "qc_hold", "scrap", "shipping"]
Code = Field(min_length=1, max_length=120, description="A scanned or typed code")
ScanId = Field(None, min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$",
               description="Client-generated id of this scan: sending it again records nothing new")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- requests ------------------------------------------------------------------------------------------

class MoveIn(Strict):
    unit: str = Field(min_length=1, max_length=120, description="LPN or any barcode of the unit")
    to: str = Field(min_length=1, max_length=120, description="Code of the location it goes to")
    from_: str | None = Field(None, alias="from", min_length=1, max_length=120,
                              description="Where the operator believed it was: a different location is a 409")
    override_reason: str | None = Field(
        None, min_length=1, max_length=180,
        description="Onto a machine: a lead's reason to load material no open work order of the machine "
                    "needs (without it that is a 422); recorded on the ledger entry")
    client_scan_id: str | None = ScanId


class ReceiptIn(Strict):
    part: str = Field(min_length=1, max_length=40, description="Part number")
    revision: str = Field("", max_length=16)
    # Strict numbers: true/false would otherwise pass as 1/0.
    quantity: str | StrictFloat | StrictInt = Field(description="Decimal quantity in the part's unit of measure, > 0")
    lot: str = Field("", max_length=40)
    location: str | None = Field(None, min_length=1, max_length=120, description="Default: the receiving dock")
    lpn: str | None = Field(None, min_length=1, max_length=40, description="Default: a new LPN")
    supplier_barcodes: list[str] = Field(default_factory=list, max_length=10,
                                         description="Supplier codes (SSCC, GTIN+lot) that will find this unit")
    client_scan_id: str | None = ScanId


class SplitIn(Strict):
    quantity: str | StrictFloat | StrictInt = Field(
        description="How much to take off, in the unit's unit of measure: more than 0, less than it holds")
    to: str | None = Field(None, min_length=1, max_length=120,
                           description="Where the part taken goes (default: where the unit is); onto a "
                                       "machine it is loaded, through the material check of every load")
    from_: str | None = Field(None, alias="from", min_length=1, max_length=120,
                              description="Where the operator believed the unit was: a different location is a 409")
    override_reason: str | None = Field(None, min_length=1, max_length=180,
                                        description="Onto a machine: a lead's reason to load it anyway")
    client_scan_id: str | None = ScanId


class LedgerQuery(Strict):
    after: int = Field(0, ge=0, le=2**62,
                       description="The cursor: the previous page's `next` (or its last entry's id); "
                                   "0 starts from the beginning")
    limit: int = Field(500, ge=1, le=5000)
    unit: str | None = Field(None, min_length=1, max_length=120, description="Only this unit's entries")


class WorkOrderQuery(Strict):
    status: Literal["planned", "released", "running", "done", "closed"] | None = None


# --- responses -----------------------------------------------------------------------------------------

class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


class Location(BaseModel):
    code: str
    name: str
    kind: LocationKind
    parent: str | None
    holds_units: bool
    active: bool
    capacity: int | None


class UnitOut(BaseModel):
    lpn: str
    part: str
    revision: str
    description: str
    lot: str
    qty: float
    uom: str
    status: str
    location: str | None
    work_order: str | None
    created_at: str
    updated_at: str


class SplitOut(UnitOut):
    split_from: str = Field(description="The LPN of the unit it was taken off")
    label: str = Field(description="URL of the new unit's label as a PDF (GET, same token)")
    note: str
    warning: bool


class LocationDetail(Location):
    units: list[UnitOut]


class LocationList(RootModel[list[Location]]):
    pass


class EntryOut(BaseModel):
    id: int
    kind: str
    unit: str
    from_: str | None = Field(alias="from")
    to: str | None
    qty: float
    delta: float
    status: str
    work_order: str | None
    reason: str
    by: str | None
    device: str
    at: str
    client_scan_id: str | None


class UnitDetail(UnitOut):
    history: list[EntryOut]
    shipped_at: str | None = Field(None, description="When it left the plant (its last ship row); null while "
                                   "it is in the plant, also after it was returned from shipping")


class MoveOut(EntryOut):
    unit_status: str
    note: str = Field(description="Done, but worth a look: which work order a load counts for, "
                                  "over-supply, a QC hold, an override (empty when nothing to say)")
    warning: bool = Field(description="The note is a warning (over-supply, QC hold, override)")


class LedgerPage(BaseModel):
    entries: list[EntryOut]
    next: int | None = Field(description="Pass as `after` for the next page; null on the last page "
                                         "(poll on with its last entry's id)")


class LineOut(BaseModel):
    part: str
    revision: str
    uom: str
    required: float
    staged: float
    loaded: float
    consumed: float
    wasted: float
    short: float


class WorkOrderOut(BaseModel):
    number: str
    product: str | None
    revision: str | None
    quantity: float
    status: str
    machine: str | None
    output_station: str | None
    due_at: str | None


class WorkOrderDetail(WorkOrderOut):
    lines: list[LineOut]


class WorkOrderList(RootModel[list[WorkOrderOut]]):
    pass


class MachineStaged(BaseModel):
    machine: str
    state: Literal["idle", "ok", "soon", "now"]
    reasons: list[str]
    work_orders: list[WorkOrderDetail]
    loaded: list[UnitOut]
    machine_state: MachineStateOut | None = Field(None, description="What the machine is doing (null: never set)")


class DecodedCode(BaseModel):
    text: str
    symbology: str


class Decoded(BaseModel):
    codes: list[DecodedCode]


# --- plant set-up: locations and parts (issue 15) ---------------------------------------------------------

class LocationFields(Strict):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: LocationKind | None = None
    parent: str | None = Field(None, max_length=40, description="Code of the location it is in; \"\": none")
    capacity: StrictInt | None = Field(None, ge=1, description="Most units it takes; null: no limit")
    holds_units: bool | None = Field(None, description="false for an area or rack that only groups places")
    active: bool | None = None
    sort_order: str | None = Field(None, max_length=80)


class LocationIn(LocationFields):
    code: str = Field(min_length=1, max_length=40, description="The code on its label")
    name: str = Field(min_length=1, max_length=120)
    kind: LocationKind


class PartFields(Strict):
    description: str | None = Field(None, max_length=200)
    uom: str | None = Field(None, min_length=1, max_length=8)
    gtin: str | None = Field(None, max_length=200, description="8, 12, 13 or 14 digits; several (a case's, a "
                             "pallet's) separated by spaces; \"\": none")
    pack_qty: str | StrictFloat | StrictInt | None = Field(None, description="Standard pack quantity")
    shelf_life_days: StrictInt | None = Field(None, ge=1)
    unit_value: str | StrictFloat | StrictInt | None = Field(
        None, description="What one unit of measure is worth in the plant's currency (counts value differences)")
    active: bool | None = None


class PartIn(PartFields):
    number: str = Field(min_length=1, max_length=40)
    revision: str = Field("", max_length=16)


class PartQuery(Strict):
    revision: str = Field("", max_length=16, description="The part's revision (empty: none)")


class PartOut(BaseModel):
    number: str
    revision: str
    description: str
    uom: str
    gtin: str | None
    gtins: list[str] = Field(description="Every GTIN of the part, 14 digits, the main one first")
    pack_qty: float | None
    shelf_life_days: int | None
    unit_value: float | None
    active: bool
