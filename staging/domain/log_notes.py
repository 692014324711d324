"""What a person types into a shift log's note form, read field by field: every refusal at once, each
by its field (kind, text, minutes), so the note they wrote is kept and corrected, not typed again."""
from ..store.models import LOG_NOTE_KINDS, NOTE_MAX
from .errors import Invalid
from .setup.fields import Form


def _kind(kind):
    if kind not in LOG_NOTE_KINDS:
        raise Invalid("Kind must be one of {kinds}.", kinds=', '.join(LOG_NOTE_KINDS))
    return kind


def _text(text):
    text = (text or "").strip()
    if not text:
        raise Invalid("Write what happened.")
    if len(text) > NOTE_MAX:
        raise Invalid("That is {length} characters: a note has at most {most}.", length=len(text), most=NOTE_MAX)
    return text


def _minutes(kind, minutes):
    if kind != "downtime":
        return None
    try:
        minutes = int(str(minutes).strip())
    except (TypeError, ValueError):
        raise Invalid("Downtime needs its length in minutes.") from None
    if not 0 < minutes <= 24 * 60:
        raise Invalid("Downtime minutes must be between 1 and 1440.")
    return minutes


def read(kind, text, minutes):
    """(kind, text, minutes) of a note, or fields.Refused naming each wrong field."""
    form = Form()
    kind = form.read("kind", _kind, kind)
    text = form.read("text", _text, text)
    minutes = form.read("minutes", _minutes, kind, minutes)
    form.check()
    return kind, text, minutes

