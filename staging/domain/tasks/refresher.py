"""The background job that keeps staging tasks up to date: a thread in each app process looks at
all orders every `rules.full_every_seconds` (TASK_REFRESH_SECONDS), so no request pays for it.

Why a thread per worker and not one in gunicorn's master: the master forks workers (again after a
worker dies), and a fork copies no threads but may copy a lock a thread held; the master also serves
no requests and holds no connection. A thread per worker needs no new service, survives any one
worker's death, and the workers' jobs take turns on the sync row (planner.refresh), so with several
workers the full look still runs once per period."""
import logging
import os
import threading

from ...store.db import db
from .planner import refresh

log = logging.getLogger(__name__)


class Refresher:
    def __init__(self, rules, every_seconds):
        self.rules, self.every = rules, float(every_seconds)
        self._stop = threading.Event()
        self.thread = None

    def run_once(self):
        """One look, on a connection of this thread's own."""
        with db.connection_context():
            refresh(self.rules)

    def _loop(self):
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # a failed look (database away, disk full) must not end the job
                log.exception("staging tasks: the background refresh failed; trying again")
            self._stop.wait(self.every)

    def start(self):
        self.thread = threading.Thread(target=self._loop, name="task-refresher", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self.thread is not None:
            self.thread.join(timeout=30)


_RUNNING = {}  # pid -> Refresher: a forked child starts its own


def ensure_running(rules_of, every_seconds):
    """Start this process's job unless it runs already (cheap: called at the start of every request);
    `rules_of()` gives the plant's settings, asked only when the job starts."""
    pid = os.getpid()
    job = _RUNNING.get(pid)
    if job is None or not job.thread.is_alive():
        with _START:
            job = _RUNNING.get(pid)
            if job is None or not job.thread.is_alive():
                job = _RUNNING[pid] = Refresher(rules_of(), every_seconds).start()
    return job


def stop():
    job = _RUNNING.pop(os.getpid(), None)
    if job is not None:
        job.stop()


_START = threading.Lock()
