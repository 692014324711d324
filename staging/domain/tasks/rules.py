"""The plant's settings for staging tasks, passed in by whoever calls (the web reads its config)."""
import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Rules:
    horizon_hours: float = 4  # orders due within this many hours (and every released or running one)
    # A whole pallet may bring this fraction more than is short; beyond it the task takes part of it.
    overstage: Decimal = Decimal("0.10")
    claim_minutes: int = 15  # a claim nobody finished goes back to the queue after this
    full_every_seconds: float = 30  # orders change without a ledger entry: look at all of them this often

    @classmethod
    def from_config(cls, config):
        """From the app's settings: FLOOR_HORIZON_HOURS, TASK_OVERSTAGE_PERCENT, TASK_CLAIM_MINUTES,
        TASK_REFRESH_SECONDS (staging/config.py reads them from the environment)."""
        return cls(horizon_hours=float(config.get("FLOOR_HORIZON_HOURS", 4)),
                   overstage=Decimal(str(config.get("TASK_OVERSTAGE_PERCENT", 10))) / 100,
                   claim_minutes=int(config.get("TASK_CLAIM_MINUTES", 15)),
                   full_every_seconds=float(config.get("TASK_REFRESH_SECONDS", 30)) or 30)

    @property
    def claim_ttl(self):
        return datetime.timedelta(minutes=self.claim_minutes)


DEFAULT = Rules()
LEAD_CANCEL = "Cancelled by "  # the note of a task a lead cancelled (its pallet is not suggested again)
