"""Settings from the environment, with defaults that run out of the box."""
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _secret_key():
    """SECRET_KEY from the environment, else one generated once and kept in instance/,
    so sessions survive a restart and every gunicorn worker signs with the same key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _bool(name, default):
    return os.environ.get(name, default).strip().lower() not in ("0", "false", "no", "off", "")


class Config:
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'staging.db'}")
    SEED_DEMO = _bool("SEED_DEMO", "1")
    PLANT_TIMEZONE = os.environ.get("PLANT_TIMEZONE", "Europe/Berlin")
    # Unset: "Demo plant" when the demo is seeded (SEED_DEMO), else none (create_app decides).
    PLANT_NAME = os.environ.get("PLANT_NAME", "").strip()
    # The plant's locale ("de", "en_US"): CSV exports use its separator and decimal mark.
    PLANT_LOCALE = os.environ.get("PLANT_LOCALE", "en")
    # Shifts in plant time: NAME=HH:MM-HH:MM, comma separated; a shift may cross midnight.
    SHIFTS = os.environ.get("SHIFTS", "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00")
    # A shift log not submitted this many minutes after its shift ends is overdue.
    LOG_GRACE_MINUTES = int(os.environ.get("LOG_GRACE_MINUTES", "60"))
    # When the plant went live, in plant time ("2026-11-02 06:00"): shifts that ended before owe no
    # log. Empty: the plant's first recorded activity (its first ledger entry).
    GO_LIVE = os.environ.get("GO_LIVE", "").strip()
    # Four eyes on QC holds: whoever put a unit on hold may not release it (0 to allow it).
    QC_RELEASE_FOUR_EYES = _bool("QC_RELEASE_FOUR_EYES", "1")
    # The floor board is green when what runs now or is due within this many hours is covered.
    FLOOR_HORIZON_HOURS = float(os.environ.get("FLOOR_HORIZON_HOURS", "4"))
    # Staging tasks: a whole pallet may bring this many percent more than is short (beyond, the task
    # takes part of it); a claim nobody finished goes back to the queue after TASK_CLAIM_MINUTES; a
    # background job in each app process looks at all orders every TASK_REFRESH_SECONDS (0: never;
    # requests then follow only the ledger).
    TASK_OVERSTAGE_PERCENT = float(os.environ.get("TASK_OVERSTAGE_PERCENT", "10"))
    TASK_CLAIM_MINUTES = int(os.environ.get("TASK_CLAIM_MINUTES", "15"))
    TASK_REFRESH_SECONDS = float(os.environ.get("TASK_REFRESH_SECONDS", "30"))
    # A wall screen fetches the floor again every WALL_REFRESH_SECONDS: a call reaches the TV within it.
    WALL_REFRESH_SECONDS = float(os.environ.get("WALL_REFRESH_SECONDS", "10"))
    # A floor with more machines and output stations than this shows them a page at a time, the next
    # page at each refresh (what fits a 1920x1080 TV in the wall's type).
    WALL_TILES_PER_PAGE = int(os.environ.get("WALL_TILES_PER_PAGE", "12"))
    # The reasons a machine can be down for: set on the settings page (stored in the database, where every
    # process and the handheld read them); this is what a plant starts with.
    DOWN_REASONS = "No material, Breakdown, No operator, Quality, Tooling, Other"
    # Counts: a difference within max(PERCENT of the expected, UNITS) books itself; beyond, a recount
    # and a lead's approval. Per count class (A moves most; see domain/counts/classes).
    COUNT_TOLERANCE_A_PERCENT = float(os.environ.get("COUNT_TOLERANCE_A_PERCENT", "2"))
    COUNT_TOLERANCE_A_UNITS = float(os.environ.get("COUNT_TOLERANCE_A_UNITS", "1"))
    COUNT_TOLERANCE_B_PERCENT = float(os.environ.get("COUNT_TOLERANCE_B_PERCENT", "5"))
    COUNT_TOLERANCE_B_UNITS = float(os.environ.get("COUNT_TOLERANCE_B_UNITS", "2"))
    COUNT_TOLERANCE_C_PERCENT = float(os.environ.get("COUNT_TOLERANCE_C_PERCENT", "10"))
    COUNT_TOLERANCE_C_UNITS = float(os.environ.get("COUNT_TOLERANCE_C_UNITS", "5"))
    # Seconds a SQLite writer waits for the lock before giving up.
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "10"))
    # GS1 company prefix (6-12 digits): set it and unit labels carry a GS1-128 SSCC-18 too.
    GS1_COMPANY_PREFIX = os.environ.get("GS1_COMPANY_PREFIX", "").strip()
    GS1_EXTENSION_DIGIT = os.environ.get("GS1_EXTENSION_DIGIT", "0").strip()
    # The scan page's service worker (offline reload, HTTPS or localhost only). SCAN_OFFLINE=0
    # switches it off: pages remove it, and its URL serves a worker that removes itself.
    SCAN_OFFLINE = _bool("SCAN_OFFLINE", "1")
    # Seconds to wait for a network label printer to accept a connection and the data.
    PRINTER_TIMEOUT = float(os.environ.get("PRINTER_TIMEOUT", "5"))
    # Seconds to wait for a printer's answer to the host status query ~HS (no answer: unknown), and
    # how often each process's background sender looks at the printers (0: no sender here).
    PRINTER_STATUS_TIMEOUT = float(os.environ.get("PRINTER_STATUS_TIMEOUT", "2"))
    PRINT_SENDER_SECONDS = float(os.environ.get("PRINT_SENDER_SECONDS", "2"))
    # Failed sign-ins (15 minutes) before that user name, or that address, must wait.
    LOGIN_MAX_FAILURES_PER_USER = int(os.environ.get("LOGIN_MAX_FAILURES_PER_USER", "5"))
    LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
    # Failed badge-shaped scans (15 minutes) from one handheld before its badge sign-ins wait.
    LOGIN_MAX_FAILURES_PER_DEVICE = int(os.environ.get("LOGIN_MAX_FAILURES_PER_DEVICE", "10"))
    # A desk session (signed in with a password) ends after this many minutes without a request.
    DESK_IDLE_MINUTES = int(os.environ.get("DESK_IDLE_MINUTES", "30"))
    # How far back an offline scan replayed later may date itself; older ones are dated on arrival.
    REPLAY_MAX_AGE_HOURS = float(os.environ.get("REPLAY_MAX_AGE_HOURS", "12"))
    # People first (staging/web/people_first.py): API requests running at once per process, and the
    # longest an API request waits for people's requests on this host to be answered (0: no wait).
    API_CONCURRENCY = int(os.environ.get("API_CONCURRENCY", "1"))
    API_YIELD_MS = float(os.environ.get("API_YIELD_MS", "100"))
    # Events to webhooks and MQTT (README, "Connecting your ERP"): a background thread in each app
    # process delivers them. A failed delivery is tried again after these pauses in seconds (the last
    # repeats), for WEBHOOK_DEAD_AFTER_HOURS, then the event goes to the webhook's dead list. A
    # receiver must answer within WEBHOOK_TIMEOUT seconds. The thread looks for new events every
    # WEBHOOK_POLL_SECONDS (0: no delivery thread in this process; another process delivers).
    WEBHOOK_RETRY_SCHEDULE = os.environ.get("WEBHOOK_RETRY_SCHEDULE", "5,30,120,600,1800,3600")
    WEBHOOK_DEAD_AFTER_HOURS = float(os.environ.get("WEBHOOK_DEAD_AFTER_HOURS", "24"))
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))
    WEBHOOK_POLL_SECONDS = float(os.environ.get("WEBHOOK_POLL_SECONDS", "0.25"))
    # mqtt://[user:pass@]host:port/prefix (mqtts:// for TLS): every event is published there at QoS 1
    # to {prefix}/{type}/{subject}. Empty: no MQTT.
    MQTT_URL = os.environ.get("MQTT_URL", "").strip()
    # The longest GET /api/events holds an answer waiting for news (its `wait`, at most 30 s).
    EVENTS_MAX_WAIT = float(os.environ.get("EVENTS_MAX_WAIT", "30"))
    # An API request sent again with the Idempotency-Key of one still being answered waits this long
    # for its answer, then is told to ask again (409).
    IDEMPOTENCY_WAIT_SECONDS = float(os.environ.get("IDEMPOTENCY_WAIT_SECONDS", "2"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure is added by itself to requests that came over HTTPS; this forces it on every response.
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", "0")
    # TRUST_PROXY=1 behind a reverse proxy: take client address and scheme from X-Forwarded-*.
    TRUST_PROXY = _bool("TRUST_PROXY", "0")
    # Set the session cookie only when the session changed: a refresh on every response lets a
    # concurrent request (a static file, the favicon) put back an older cookie over the scan
    # page's newer state.
    SESSION_REFRESH_EACH_REQUEST = False
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    def __init__(self):
        self.SECRET_KEY = _secret_key()
