"""The API's answers kept by Idempotency-Key, so that a client's retry gets the first answer again."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .core import BaseModel, User, utcnow


class IdempotencyKey(BaseModel):
    """A request sent with an Idempotency-Key: claimed (status null) before it runs, its answer
    stored when it is done. One per user and key: a second insert is refused by the index, which is
    how two identical requests at once learn that only one of them runs."""
    key = CharField(max_length=255)
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    request = CharField(max_length=300)  # method and path: "POST /api/moves"
    body_hash = CharField(max_length=64)  # sha256 of the body (JSON: of its canonical form)
    status = IntegerField(null=True)  # null: still being answered
    response = TextField(null=True)
    content_type = CharField(max_length=100, null=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "idempotency_key"
        indexes = ((("user", "key"), True),)
