"""The plant's fixed words (statuses, kinds, roles) in the reader's language.

Templates show a stored value with `{{ unit.status | state }}`; CSS classes and URLs keep the
stored value itself. A value not listed here is shown as stored (with '_' as a space).
"""
from flask_babel import lazy_gettext

# One entry per stored word; a word used by several columns ("done", "hold") reads the same in each.
STATE_WORDS = {
    # units
    "stock": lazy_gettext("stock"), "staged": lazy_gettext("staged"), "loaded": lazy_gettext("loaded"),
    "output": lazy_gettext("output"), "hold": lazy_gettext("hold"), "shipping": lazy_gettext("shipping"),
    "shipped": lazy_gettext("shipped"), "empty": lazy_gettext("empty"),
    # work orders
    "planned": lazy_gettext("planned"), "released": lazy_gettext("released"), "running": lazy_gettext("running"),
    "done": lazy_gettext("done"), "closed": lazy_gettext("closed"),
    # ledger entries
    "receive": lazy_gettext("receive"), "move": lazy_gettext("move"), "stage": lazy_gettext("stage"),
    "load": lazy_gettext("load"), "unload": lazy_gettext("unload"), "split": lazy_gettext("split"),
    "consume": lazy_gettext("consume"), "scrap": lazy_gettext("scrap"), "adjust": lazy_gettext("adjust"),
    "undo": lazy_gettext("undo"), "release": lazy_gettext("release"), "opening": lazy_gettext("opening"),
    "produce": lazy_gettext("produce"), "ship": lazy_gettext("ship"),
    # locations
    "receiving": lazy_gettext("receiving"), "storage": lazy_gettext("storage"), "staging": lazy_gettext("staging"),
    "machine": lazy_gettext("machine"), "qc_hold": lazy_gettext("QC hold"),
    # line-side places, staging tasks
    "lane": lazy_gettext("lane"), "bin": lazy_gettext("bin"), "open": lazy_gettext("open"),
    "claimed": lazy_gettext("claimed"), "cancelled": lazy_gettext("cancelled"),
    # logbook notes and shift logs
    "downtime": lazy_gettext("downtime"), "safety": lazy_gettext("safety"), "quality": lazy_gettext("quality"),
    "note": lazy_gettext("note"), "submitted": lazy_gettext("submitted"), "overdue": lazy_gettext("overdue"),
    "before": lazy_gettext("before"),
    # label batches
    "queued": lazy_gettext("queued"), "rendering": lazy_gettext("rendering"), "sending": lazy_gettext("sending"),
    "failed": lazy_gettext("failed"),
    # import rows
    "already_imported": lazy_gettext("already imported"),
    # a badge or password in the change history (never the code or the password itself)
    "issued": lazy_gettext("issued"), "reissued": lazy_gettext("reissued"), "reset": lazy_gettext("reset"),
    # machine states ("running" as for work orders)
    "idle": lazy_gettext("idle"), "down": lazy_gettext("down"), "changeover": lazy_gettext("changeover"),
    "maintenance": lazy_gettext("maintenance"),
    # roles
    "operator": lazy_gettext("operator"), "stager": lazy_gettext("stager"), "lead": lazy_gettext("lead"),
    "admin": lazy_gettext("admin"),
}


def state_word(value):
    """A stored status, kind or role as the reader reads it."""
    if value is None:
        return ""
    word = STATE_WORDS.get(str(value))
    return str(word) if word is not None else str(value).replace("_", " ")


def init_app(app):
    app.add_template_filter(state_word, "state")
