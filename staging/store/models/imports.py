"""What an import booked, so that the same file imported again books nothing twice."""
from peewee import CharField, DateTimeField, IntegerField

from .core import BaseModel, utcnow


class ImportedRow(BaseModel):
    """A row of an opening-stock file that was booked: its file, line and content as a digest (a row
    without an LPN is only recognisable so), and the pallet it made."""
    kind = CharField(max_length=16)
    digest = CharField(max_length=64, index=True)  # sha256 of file name, line and content
    filename = CharField(max_length=200, default="")
    line = IntegerField()
    lpn = CharField(max_length=40)
    at = DateTimeField(default=utcnow)
