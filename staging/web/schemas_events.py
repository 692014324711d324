"""The event feed's API shapes (pydantic), beside schemas.py: spectree validates with them and
puts them in /api/openapi.json."""
from typing import Literal

from pydantic import BaseModel, Field

from .schemas import Strict

MAX_WAIT = 30


class EventsQuery(Strict):
    after: str | None = Field(None, max_length=64,
                              description="The cursor: the previous answer's `next`, as given (opaque); "
                                          "empty or absent starts from the first event")
    limit: int = Field(100, ge=1, le=1000)
    types: str | None = Field(None, max_length=2000,
                              description="Only these event types, comma-separated (e.g. unit.moved,unit.staged)")
    wait: float = Field(0, ge=0, le=MAX_WAIT,
                        description="Seconds to wait for news when there is none yet (long poll, at most 30): "
                                    "the answer comes as soon as an event is there")


class CloudEventOut(BaseModel):
    specversion: Literal["1.0"]
    id: str = Field(description="Unique and stable: a receiver told twice drops the second by it")
    source: str = Field(description="The plant: urn:staging:<plant name>")
    type: str
    subject: str = Field(description="What it is about: an LPN, a work order, a task number, a code")
    time: str = Field(description="When it happened, RFC 3339 in UTC")
    datacontenttype: Literal["application/json"]
    data: dict


class EventPage(BaseModel):
    events: list[CloudEventOut]
    next: str = Field(description="Pass as `after` for the next page; the same cursor when nothing came")
