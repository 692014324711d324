"""The plant's settings as an admin reads them: what each one is for, and its value now. Read
only: they come from the environment (staging/config.py) and change with a restart."""
import re

from .permissions import authorize
from .words import Words

# (setting, what it does), in the order an admin looks for them; the page says them in the reader's language.
SHOWN = (
    ("PLANT_NAME", Words("The plant's name, in page titles and on labels.")),
    ("PLANT_TIMEZONE", Words("Times are stored in UTC and shown in this zone.")),
    ("PLANT_LOCALE", Words("CSV exports use its field separator and decimal mark.")),
    ("SHIFTS", Words("The shifts, in plant time: NAME=HH:MM-HH:MM.")),
    ("LOG_GRACE_MINUTES", Words("A shift log not submitted this long after its shift is overdue.")),
    ("GO_LIVE", Words("Shifts that ended before owe no log (empty: the first recorded activity).")),
    ("FLOOR_HORIZON_HOURS", Words("The floor board is green when what is due within this many hours is staged.")),
    ("QC_RELEASE_FOUR_EYES", Words("Whoever put a unit on QC hold may not release it.")),
    ("GS1_COMPANY_PREFIX", Words("Set: unit labels carry a GS1-128 SSCC-18 too.")),
    ("PRINTER_TIMEOUT", Words("Seconds to wait for a network label printer.")),
    ("LOGIN_MAX_FAILURES_PER_USER", Words("Failed sign-ins (15 minutes) before that user name must wait.")),
    ("LOGIN_MAX_FAILURES_PER_ADDRESS", Words("Failed sign-ins (15 minutes) before that address must wait.")),
    ("SESSION_COOKIE_SECURE", Words("Session cookie only over HTTPS.")),
    ("TRUST_PROXY", Words("Client address and scheme from X-Forwarded-* (behind a reverse proxy).")),
    ("DATABASE_URL", Words("The database (its password is not shown).")),
)


def shown(user, config):
    """The settings for the settings page: (name, value as text, what it does). Admins only."""
    authorize(user, "manage_users")
    return [(name, _text(name, config.get(name)), what) for name, what in SHOWN]


def _text(name, value):
    if value is None or value == "":
        return "—"
    if value is True or value is False:
        return Words("on") if value else Words("off")
    if name == "DATABASE_URL":
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:•••@", str(value))
    return str(value)
