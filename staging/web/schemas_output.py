"""API shapes for output pallets and traces (issue 17), beside schemas.py: spectree validates with
them and puts them in /api/openapi.json."""
from pydantic import BaseModel, Field, StrictFloat, StrictInt

from .schemas import ScanId, Strict, UnitOut


class OutputIn(Strict):
    work_order: str = Field(min_length=1, max_length=40, description="Number of a released or running work order")
    quantity: str | StrictFloat | StrictInt | None = Field(
        None, description="Good quantity on the new pallet, > 0; default: the product's standard pack")
    station: str | None = Field(None, min_length=1, max_length=120,
                                description="Output station; default: the work order's")
    client_scan_id: str | None = ScanId


class OutputOut(UnitOut):
    pass


class TraceQuery(Strict):
    lot: str | None = Field(None, min_length=1, max_length=40, description="A lot: every unit of it")
    lpn: str | None = Field(None, min_length=1, max_length=120, description="One unit (and parts split off it)")


class TracedUnit(UnitOut):
    shipped_at: str | None = Field(description="When it was shipped (null: not shipped)")
    shipped_by: str | None


class Downstream(BaseModel):
    lot: str | None
    lpn: str | None
    sources: list[TracedUnit] = Field(description="The lot's units (or the unit): consumed, or where they are")
    outputs: list[TracedUnit] = Field(description="Every output unit they went into, at every level")
    lots: list[str]
    places: list[str] = Field(description="Where the affected units are now")
    shipped: list[str] = Field(description="The recall list: LPNs of shipped units")


class InputOut(BaseModel):
    unit: TracedUnit
    into: str = Field(description="LPN of the output it went into")
    quantity: float
    lot: str
    supplier_lot: str
    sscc: str
    machine: str | None
    consumed_by: str | None
    consumed_at: str | None
    received_at: str | None
    received_by: str | None


class Upstream(BaseModel):
    unit: TracedUnit
    work_order: str | None
    machine: str | None
    produced_by: str | None
    produced_at: str | None
    inputs: list[InputOut]
    lots: list[str]
    places: list[str]
