"""The staging tasks' API shapes (pydantic), beside schemas.py: spectree validates with them and
puts them in /api/openapi.json."""
from typing import Literal

from pydantic import BaseModel, Field, RootModel

from .schemas import Strict


class TaskQuery(Strict):
    machine: str | None = Field(None, min_length=1, max_length=40, description="Only this machine's tasks")
    person: str | None = Field(None, min_length=1, max_length=64,
                               description="Only tasks this user holds or was assigned")


class TaskOut(BaseModel):
    id: int
    unit: str | None = Field(description="LPN of the suggested pallet")
    part: str
    revision: str
    uom: str
    from_: str | None = Field(alias="from", description="Where the pallet is")
    to: str = Field(description="The line-side place it goes to")
    work_order: str | None = Field(description="null for a line-side min/max (kanban) task")
    machine: str
    qty: float = Field(description="How much to bring")
    whole: bool = Field(description="false: take `qty` off the pallet and leave the rest")
    state: Literal["open", "claimed", "done", "cancelled"]
    claimed_by: str | None
    claim_expires_at: str | None
    assigned_to: str | None
    due_at: str | None
    paused: bool = Field(False, description="Its machine is down or in maintenance: not offered, claims refused "
                                            "until the machine runs again")


class TaskList(RootModel[list[TaskOut]]):
    pass
