"""The webhooks' API shapes (pydantic), beside schemas.py: spectree validates with them and puts them
in /api/openapi.json."""
from pydantic import BaseModel, Field, RootModel

from .schemas import Strict


class WebhookIn(Strict):
    url: str = Field(min_length=1, max_length=2000, description="The receiver: https://... (or http://)")
    types: list[str] = Field(default_factory=list, max_length=50,
                             description="Event types to send (see GET /api/events); empty: every type")


class ReplayIn(Strict):
    event: str | None = Field(None, min_length=1, max_length=36,
                              description="The CloudEvents id of one dead event; absent: every dead event")


class WebhookSecret(BaseModel):
    id: int
    url: str
    types: list[str]
    secret: str = Field(description="whsec_ + base64 key: shown only now; sign checks use it (Standard Webhooks)")


class WebhookOut(BaseModel):
    id: int
    url: str
    types: list[str]
    created_at: str
    last_success_at: str | None
    failing_since: str | None = Field(description="The first failure since the last delivery; null: not failing")
    last_error: str | None
    waiting: int = Field(description="Events not yet delivered (the backlog counts to 1000) and replays due")
    dead: int = Field(description="Events on the dead list: retried past the horizon, kept until replayed")


class WebhookList(RootModel[list[WebhookOut]]):
    pass


class Replayed(BaseModel):
    replayed: int = Field(description="How many dead events go out again now")
