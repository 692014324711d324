"""The background sender: a thread in each app process that asks the printers how they are and sends
their waiting jobs (printqueue.dispatch), so a label queued while a printer had no paper prints when
the paper is back, after a restart of the app too (the jobs are in the database, not in memory).

A printer with jobs waiting is asked every `waiting_every` seconds (10), every other printer every
`idle_every` (60): the fleet page shows a status at most a minute old. Several processes and hosts
run one each; the printer's lease (printqueue) lets one of them send at a time, so none sends a job
twice. A thread per worker, started from the first request (domain/background.py says why)."""
import datetime

from ..domain.background import Job, PerProcess
from ..store.db import db
from ..store.models import Printer, PrintJob, utcnow
from . import printer_status, printing, printqueue


class Sender(Job):
    name = "print-sender"

    def __init__(self, tick=2.0, waiting_every=10, idle_every=60, timeout=printing.DEFAULT_TIMEOUT,
                 answer_timeout=printer_status.STATUS_TIMEOUT):
        super().__init__()
        self.tick, self.waiting_every, self.idle_every = float(tick), waiting_every, idle_every
        self.timeout, self.answer_timeout = timeout, answer_timeout

    def due(self, now=None):
        """The printers to look at now: waiting jobs and not asked for `waiting_every` s, or not
        asked for `idle_every` s."""
        now = now or utcnow()
        busy = {row[0] for row in PrintJob.select(PrintJob.printer).where(
            PrintJob.state.in_(printqueue.ACTIVE)).distinct().tuples()}
        found = []
        for printer in Printer.select().where(Printer.active).order_by(Printer.id):
            every = self.waiting_every if printer.id in busy else self.idle_every
            if printer.checked_at is None or now - printer.checked_at >= datetime.timedelta(seconds=every):
                found.append(printer)
        return found

    def run_once(self, now=None):
        """One round, on a connection of this thread's own: how many jobs went out."""
        sent = 0
        with db.connection_context():
            for printer in self.due(now):
                if printqueue.waiting(printer):
                    sent += printqueue.dispatch(printer, timeout=self.timeout, answer_timeout=self.answer_timeout)
                else:
                    printqueue.check(printer, connect_timeout=self.timeout, answer_timeout=self.answer_timeout)
        return sent

    def pause(self):
        return self.tick


_SENDERS = PerProcess(Sender)
ensure_running = _SENDERS.ensure  # (**Sender's settings) -> this process's sender
stop = _SENDERS.stop
