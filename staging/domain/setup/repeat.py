"""Imports are repeatable: a row of opening stock booked before is recognised and not booked again.

A row with an LPN is recognised by its pallet (stock.py). A row without one names no pallet, so it
is recognised by the file's name, its line and its content: importing the same file again (or the
whole file after "import only the good rows" and a fix) books only the rows not booked yet. The
person may ask to book such rows again ("book again"): a second delivery of the same sheet."""
import hashlib
import json
import os

from ...store.models import ImportedRow

ALREADY = "already_imported"  # a row's action: booked by an earlier import, not booked now


def digest(kind, filename, row):
    """The row's identity: file name (not its folder), line and content (kept on the row: asked for
    when looking up and again when remembering)."""
    found = getattr(row, "_digest", None)
    if found is None:
        content = {k: str(v).strip() for k, v in sorted(row.values.items()) if str(v or "").strip()}
        text = json.dumps([kind, os.path.basename(str(filename or "")), row.number, content], ensure_ascii=False)
        found = row._digest = hashlib.sha256(text.encode()).hexdigest()
    return found


def booked_before(kind, filename, rows):
    """{row number: the LPN booked for it} for the rows an earlier import of this file booked."""
    digests = {digest(kind, filename, row): row.number for row in rows}
    found = {}
    for start in range(0, len(digests), 500):  # the IN list stays within every engine's limit
        chunk = list(digests)[start:start + 500]
        for done in ImportedRow.select(ImportedRow.digest, ImportedRow.lpn).where(ImportedRow.digest.in_(chunk)):
            found[digests[done.digest]] = done.lpn
    return found


def remember(kind, filename, rows):
    """Note the rows just booked (inside the import's transaction: a preview's rollback forgets them)."""
    name = os.path.basename(str(filename or ""))[:200]
    records = [{"kind": kind, "digest": digest(kind, filename, row), "filename": name, "line": row.number,
                "lpn": row.code} for row in rows]
    for start in range(0, len(records), 500):
        ImportedRow.insert_many(records[start:start + 500]).execute()
