"""The jobs beside the requests: a failed round never ends a job, and a failure that repeats (the
database away for an hour) fills the log with one line a round, not a traceback a round."""
import logging
import threading

from staging.domain.background import Job, PerProcess


class Flaky(Job):
    name = "flaky job"

    def __init__(self, failures):
        super().__init__()
        self.failures = list(failures)
        self.done = threading.Event()

    def run_once(self):
        if self.failures:
            raise self.failures.pop(0)
        self.done.set()
        return False

    def pause(self):
        return 0.001


def test_a_failed_round_is_logged_and_the_job_goes_on(caplog):
    gone = RuntimeError("the database is away")
    job = Flaky([gone, RuntimeError("the database is away"), RuntimeError("the database is away"),
                 ValueError("something else")])
    with caplog.at_level(logging.ERROR, logger="staging.domain.background"):
        job.start()
        try:
            assert job.done.wait(5)
        finally:
            job.stop()
    rounds = [(r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert rounds == [
        ("flaky job: a round failed; trying again", True),
        ("flaky job: a round failed again (RuntimeError: the database is away); trying again", False),
        ("flaky job: a round failed again (RuntimeError: the database is away); trying again", False),
        ("flaky job: a round failed; trying again", True),
    ]
    assert not job.thread.is_alive()


def test_one_job_a_process_and_stop_ends_it():
    jobs = PerProcess(lambda: Flaky([]))
    first = jobs.ensure()
    assert jobs.ensure() is first and first.done.wait(5)
    jobs.stop()
    assert not first.thread.is_alive() and jobs.current() is None
    assert jobs.ensure() is not first
    jobs.stop()
