"""Work that runs beside the requests: a thread in each app process (the staging tasks' look, the
printers' sender, the events' delivery), started from the first request and kept one per process.

Why a thread per worker and not one in gunicorn's master: the master forks workers (again after a
worker dies), and a fork copies no threads but may copy a lock a thread held; the master also serves
no requests and holds no connection. A thread per worker needs no new service and survives any one
worker's death; each job's own lease or sync row makes the workers take turns where one at a time
matters."""
import logging
import os
import threading

log = logging.getLogger(__name__)


class Job:
    """A loop on a thread of its own: `run_once()`, then a pause of `pause()` seconds (none after a
    round that says it did something, so a backlog drains), until stopped. A failed round (database
    away, a bug) is logged and the next goes on: it must never end the job."""
    name = "background job"

    def __init__(self):
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by wake(): look now rather than after the pause
        self.thread = None

    def run_once(self):
        raise NotImplementedError

    def pause(self):
        return 1.0

    def _loop(self):
        last_failure = None  # the same failure again (a database away) is logged in one line
        while not self._stop.is_set():
            try:
                busy = self.run_once()
                last_failure = None
            except Exception as failure:
                said = f"{type(failure).__name__}: {failure}"
                if said == last_failure:
                    log.error("%s: a round failed again (%s); trying again", self.name, said.splitlines()[0])
                else:
                    log.exception("%s: a round failed; trying again", self.name)
                last_failure = said
                busy = False
            if not busy:
                self._wake.wait(self.pause())
                self._wake.clear()

    def wake(self):
        self._wake.set()

    def start(self):
        self.thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._wake.set()
        if self.thread is not None:
            self.thread.join(timeout=30)


class PerProcess:
    """At most one running job of a kind in each process: a forked child starts its own."""

    def __init__(self, make):
        self.make = make  # (*args, **kwargs) -> a Job, not yet started
        self.running = {}  # pid -> Job
        self.lock = threading.Lock()

    def ensure(self, *args, **kwargs):
        """This process's job, started unless it runs already (cheap: called at the start of requests)."""
        pid = os.getpid()
        job = self.running.get(pid)
        if job is None or not job.thread.is_alive():
            with self.lock:
                job = self.running.get(pid)
                if job is None or not job.thread.is_alive():
                    job = self.running[pid] = self.make(*args, **kwargs).start()
        return job

    def current(self):
        return self.running.get(os.getpid())

    def stop(self):
        job = self.running.pop(os.getpid(), None)
        if job is not None:
            job.stop()
