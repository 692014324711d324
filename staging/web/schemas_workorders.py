"""The work orders' inbound API shapes (pydantic), beside schemas.py: what PUT and PATCH
/api/work-orders/{number} accept. spectree validates with them and puts them in /api/openapi.json."""
import datetime
from typing import Literal

from pydantic import Field, StrictFloat, StrictInt

from .schemas import Strict

Status = Literal["planned", "released", "running", "done", "closed"]
Quantity = str | StrictFloat | StrictInt
Due = datetime.datetime | datetime.date | None


class MaterialLineIn(Strict):
    part: str = Field(min_length=1, max_length=40, description="Part number of the material")
    revision: str = Field("", max_length=16, description="Its revision (empty: none)")
    quantity: Quantity = Field(description="How much the order needs, in the part's unit of measure, > 0")
    uom: str | None = Field(None, min_length=1, max_length=8,
                            description="The part's unit of measure; checked against the part's when given")


class WorkOrderIn(Strict):
    product: str = Field(min_length=1, max_length=40, description="Part number of what the order makes")
    revision: str = Field("", max_length=16, description="The product's revision (empty: none)")
    quantity: Quantity = Field(description="How much to make, > 0")
    machines: list[str] = Field(min_length=1, max_length=20,
                                description="Codes of the machines it runs on, the main one first")
    output_station: str | None = Field(None, min_length=1, max_length=40,
                                       description="Code of the output station its product goes to")
    status: Status = Field("planned", description="Leaving planned/released/running ends its open staging "
                                                  "tasks; an order with status closed is not changed any more")
    due_at: Due = Field(None, description="When it is due: plant time, or UTC with a Z (2026-03-31T14:00:00Z)")
    lines: list[MaterialLineIn] = Field(min_length=1, max_length=200, description="The material it needs")
    create_parts: bool = Field(False, description="Create the parts it names that do not exist (without it "
                                                  "an unknown part is a 422: a typo is not a new part)")


class WorkOrderChange(Strict):
    status: Status | None = Field(None, description="planned, released, running, done or closed (null or "
                                                    "left out: as it is)")
    due_at: Due = Field(None, description="When it is due: plant time, or UTC with a Z; null: no due date")
    quantity: Quantity | None = Field(None, description="How much to make, > 0 (null or left out: as it is)")
