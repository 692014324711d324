"""The printers' API shapes (pydantic), beside schemas.py: spectree validates with them and puts them
in /api/openapi.json."""
from typing import Literal

from pydantic import BaseModel, Field, RootModel

from .schemas import Strict

PrinterState = Literal["ready", "paper_out", "ribbon_out", "head_open", "paused", "offline", "unknown"]
JobState = Literal["queued", "sending", "sent", "failed", "cancelled"]


class PrinterIn(Strict):
    name: str = Field(min_length=1, max_length=40)
    host: str = Field(min_length=1, max_length=120, description="Host name or IP address")
    port: int = Field(9100, description="Raw printing port (Zebra: 9100)")
    serves: str | None = Field(None, max_length=40, description="Code of the place it serves, or null")
    dpi: int = Field(203, description="203, 300 or 600")
    size: str = Field("4x6", max_length=16, description="The media loaded: 4x6, 4x2, 100x50")
    wait_minutes: int = Field(30, description="How long a label waits for the printer before it fails")


class PrinterOut(BaseModel):
    name: str
    host: str
    port: int
    serves: str | None
    status: PrinterState = Field(description="What its host status (~HS) said last; unknown: it takes "
                                             "labels but does not answer ~HS")
    status_since: str | None
    checked_at: str | None = Field(description="When its status was last asked (UTC)")
    status_reason: str | None = Field(description="Why it does not print now, in words; null when it does")
    queued: int = Field(description="Jobs waiting for it")


class PrinterList(RootModel[list[PrinterOut]]):
    pass


class PrintIn(Strict):
    printer: str = Field(min_length=1, max_length=40)
    kind: Literal["unit", "location"]
    codes: list[str] = Field(min_length=1, max_length=200, description="LPNs or location codes")
    copies: int = Field(1, description="1 to 20")
    request_id: str | None = Field(None, min_length=1, max_length=64,
                                   description="Your id of this request: sent again, it makes no second job")


class PrintJobOut(BaseModel):
    job: int
    state: JobState
    printer: str
    attempts: int = Field(description="How often it went on the wire (0 or 1 unless a person retried)")
    error: str | None = Field(description="Why it waits (queued) or failed; null when sent")
    waited: str | None = Field(description="Why it had to wait, kept after it was sent; null when it never waited")
    kind: str
    codes: list[str]
    created_at: str
    sent_at: str | None
