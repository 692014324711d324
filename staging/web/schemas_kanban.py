"""Kanban cards' and calls' API shapes (pydantic), beside schemas.py: spectree validates with them and
puts them in /api/openapi.json."""
from typing import Literal

from pydantic import BaseModel, Field, RootModel, StrictFloat, StrictInt

from .schemas import ScanId, Strict
from .schemas_tasks import TaskOut


class CardIn(Strict):
    place: str = Field(min_length=1, max_length=40,
                       description="The line-side place the card calls material to (a staging location that is a "
                                   "machine's line-side place)")
    part: str = Field(min_length=1, max_length=40, description="Part number")
    revision: str = Field("", max_length=16)
    quantity: str | StrictFloat | StrictInt = Field(description="How much one call brings, in the part's unit, > 0")
    cards: StrictInt = Field(1, ge=1, le=20, description="Cards in the loop: 2 for two-bin, n for an n-card loop")


class CardOut(BaseModel):
    code: str = Field(description="The card's barcode: scanned on any handheld, or sent to POST /api/calls")
    place: str
    part: str
    revision: str
    uom: str
    quantity: float
    loop: str = Field(description="The loop's name: its first card's code")
    number: int = Field(description="This card's number in its loop")
    count: int = Field(description="Cards in its loop")
    called: bool = Field(description="true while its call is open (waiting or tasked); false: back in the loop")
    call: int | None = Field(description="The open call's id")
    label: str = Field(description="The card's label (PDF)")


class CardsOut(BaseModel):
    cards: list[CardOut]


class CardList(RootModel[list[CardOut]]):
    pass


class CardQuery(Strict):
    place: str | None = Field(None, min_length=1, max_length=40, description="Only this place's cards")


class CallIn(Strict):
    card: str = Field(min_length=1, max_length=120, description="The card's code, as scanned")
    client_scan_id: str | None = ScanId


class CallOut(BaseModel):
    call: int
    card: str
    state: Literal["waiting", "tasked", "done"] = Field(
        description="waiting: no stock now, a task appears when some arrives; tasked: its task brings it")
    task: TaskOut | None = Field(description="The staging task that brings it, once there is one")
