"""The background job that keeps staging tasks up to date: a thread in each app process looks at
all orders every `rules.full_every_seconds` (TASK_REFRESH_SECONDS), so no request pays for it. The
workers' jobs take turns on the sync row (planner.refresh), so with several workers the full look
still runs once per period (why a thread per worker: domain/background.py)."""
from ...store.db import db
from ..background import Job, PerProcess
from .planner import refresh


class Refresher(Job):
    name = "task-refresher"

    def __init__(self, rules, every_seconds):
        super().__init__()
        self.rules, self.every = rules, float(every_seconds)

    def run_once(self):
        """One look, on a connection of this thread's own."""
        with db.connection_context():
            refresh(self.rules)

    def pause(self):
        return self.every


# `rules_of()` gives the plant's settings, asked only when the job starts.
_JOBS = PerProcess(lambda rules_of, every_seconds: Refresher(rules_of(), every_seconds))
ensure_running = _JOBS.ensure
stop = _JOBS.stop
