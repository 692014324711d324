"""Machine states' API shapes (pydantic), beside schemas.py: spectree validates with them and puts them
in /api/openapi.json."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MachineStateName = Literal["running", "idle", "down", "changeover", "maintenance"]


class MachineStateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    state: str = Field(min_length=1, max_length=20,
                       description="running, idle, down, changeover or maintenance")
    reason: str | None = Field(None, max_length=80,
                               description="down: one of the plant's down reasons (its name or number in the "
                                           "list); other states: an optional note")


class MachineStateOut(BaseModel):
    state: MachineStateName
    reason: str = Field(description="Why it is down (one of the plant's down reasons), or a note")
    since: str = Field(description="When it went into this state (UTC, ISO 8601)")
    by: str = Field(description="Who set it (user name)")


class MachineStateSet(MachineStateOut):
    machine: str
    paused: bool = Field(description="Its staging tasks are paused (down or maintenance)")
