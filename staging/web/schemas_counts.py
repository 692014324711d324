"""The counts' API shapes (pydantic), beside schemas.py: spectree validates with them and puts them
in /api/openapi.json."""
from typing import Literal

from pydantic import BaseModel, Field, StrictFloat, StrictInt

from .schemas import ScanId, Strict

Code = Field(min_length=1, max_length=40)


class CountIn(Strict):
    locations: list[str] | None = Field(None, min_length=1, max_length=20000,
                                        description="Codes of the locations to count")
    area: str | None = Field(None, min_length=1, max_length=40,
                             description="Count every location under this one (instead of `locations`)")
    blind: bool = Field(True, description="Counters below lead are not told what the books expect")
    due_on: str | None = Field(None, description="Due date, YYYY-MM-DD (default: in 7 days)")


class CountMade(BaseModel):
    id: int
    status: Literal["open", "closed"]
    locations: list[str]


class CountLineOut(BaseModel):
    location: str
    unit: str | None = Field(description="LPN; null for a find not yet booked")
    part: str
    revision: str
    lot: str
    expected: float | None = Field(description="What the books held as of the scan; null below lead while blind")
    counted: float | None
    recounted: float | None
    variance: float | None = Field(description="What is (or was) booked; null below lead while blind")
    state: Literal["open", "ok", "booked", "recount", "approval"]
    moved: bool = Field(description="Moved in or out after the location's count began: a move, not a difference")


class CountOut(BaseModel):
    id: int
    status: Literal["open", "closed"]
    blind: bool
    lines: list[CountLineOut]


class EntryIn(Strict):
    location: str = Field(min_length=1, max_length=40, description="The location counted")
    unit: str | None = Field(None, min_length=1, max_length=120, description="LPN or any barcode of the pallet")
    part: str | None = Field(None, min_length=1, max_length=40, description="A find not in the books: its part")
    revision: str | None = Field(None, max_length=16)
    lot: str | None = Field(None, max_length=40)
    quantity: str | StrictFloat | StrictInt = Field(description="How much is on the pallet (0 or more)")
    replace: bool = Field(False, description="The pallet was counted here already: replace that count")
    client_scan_id: str | None = ScanId


class EntryOut(BaseModel):
    id: int
    location: str
    unit: str | None
    part: str
    revision: str
    lot: str
    quantity: float
    round: int = Field(description="1: the count, 2: the recount")


class SubmitIn(Strict):
    location: str = Field(min_length=1, max_length=40)


class TaskOut(BaseModel):
    location: str
    state: Literal["open", "counting", "recount", "approval", "done"]
