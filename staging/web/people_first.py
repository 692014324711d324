"""People before integrations: a scan on a handheld is answered first, whatever the API is doing.

Eight integrations moving pallets flat out would otherwise share the CPU (and, in one process, the
GIL) with every handheld, and the operator's green answer would come two to three times later
(bench/keystroke.py measures it). Two rules, in a WSGI wrapper around the whole app:

- An API request does not start while a person's request (a page, a scan) is being answered by any
  worker of this host; it waits for at most API_YIELD_MS, so a long report cannot stop integrations.
- While people are at work (a person's request on this host in the last PEOPLE_AT_WORK_SECONDS),
  API requests take turns: at most API_CONCURRENCY of them run at once in each process, so few are
  under way when a scan comes in. With nobody on the floor (a night's bulk sync) they run freely.

"Being answered" is a read lock on one lock file per host (gunicorn's master names it for all its
workers; a lone process makes its own), and "at work" is that file's modification time. The locks
are Linux's open file description locks: each thread's own open file holds its own lock, an API
request only asks whether a write lock could be placed (so it never holds anything a person would
wait for), and the kernel drops the locks of a worker that dies, so a killed worker can never leave
the API waiting.

An API request that only waits (the event feed's long poll) steps out of its turn while it waits
(`stepped_aside`), so a follower waiting thirty seconds for news never keeps integrations that move
pallets from their turn."""
import atexit
import contextlib
import fcntl
import functools
import os
import struct
import tempfile
import threading
import time

LOCK_ENV = "PEOPLE_FIRST_LOCK"  # set by gunicorn.conf.py in the master, inherited by its workers
NOT_PEOPLE = ("/static/", "/healthz")  # files and monitoring: nobody waits on the floor for them
POLL_SECONDS = 0.002
PEOPLE_AT_WORK_SECONDS = 60  # a handheld in use scans every few seconds to a minute
FLOCK = "hhqqixxxx"  # struct flock: type, whence, start, len (0: the whole file), pid (0 for these locks)
TURN = "staging.api_turn"  # the WSGI environ key of an API request's turn


def _lock(handle, command, kind):
    """fcntl() with an open file description lock over the whole file; the kernel's answer's type."""
    answer = fcntl.fcntl(handle, command, struct.pack(FLOCK, kind, os.SEEK_SET, 0, 0, 0))
    return struct.unpack(FLOCK, answer)[0]


def _nobody_yet(fd):
    """A lock file just made says nobody has been at work: its modification time is what says
    "at work", and a fresh file's is now. Left so, every start (and every restart of gunicorn)
    would make the API take turns for its first minute with nobody on the floor."""
    os.utime(fd, (0, 0))


def lock_file():
    """A new, empty lock file, removed when the process that made it ends (not a forked worker)."""
    fd, path = tempfile.mkstemp(prefix="staging-people-", suffix=".lock")
    _nobody_yet(fd)
    os.close(fd)
    maker = os.getpid()
    atexit.register(lambda: os.getpid() == maker and os.path.exists(path) and os.remove(path))
    return path


_open = threading.local()  # this thread's open lock files, by path: each file holds its own lock


@functools.cache
def _own_lock_file():
    """A process without gunicorn's lock file makes one, once: every app in it shares it."""
    return lock_file()


def _handle(path):
    files = getattr(_open, "files", None)
    if files is None:
        files = _open.files = {}
    if path not in files:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            # Should a temp-file cleaner have removed it, a new one beats refusing everybody.
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)
            _nobody_yet(fd)
        files[path] = os.fdopen(fd, "rb")
    return files[path]


class _Turn:
    """An API request's turn (None: it runs freely), which it may give back while it only waits."""

    def __init__(self, turns):
        self.turns = turns

    @contextlib.contextmanager
    def stepped_aside(self):
        if self.turns is None:
            yield
            return
        self.turns.release()
        try:
            yield
        finally:
            self.turns.acquire()


def stepped_aside(environ):
    """Inside: this API request holds no turn (for waiting, not for work). Outside a PeopleFirst
    app (a bare test client), nothing to give back."""
    turn = environ.get(TURN)
    return turn.stepped_aside() if turn is not None else contextlib.nullcontext()


class PeopleFirst:
    def __init__(self, wsgi_app, api_concurrency, yield_ms, path=None):
        self.wsgi_app = wsgi_app
        self.api_turns = threading.BoundedSemaphore(api_concurrency) if api_concurrency > 0 else None
        self.yield_seconds = yield_ms / 1000
        self.path = path or os.environ.get(LOCK_ENV) or _own_lock_file()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/api/"):
            handle = _handle(self.path)
            at_work = time.time() - os.fstat(handle.fileno()).st_mtime < PEOPLE_AT_WORK_SECONDS
            turns = self.api_turns if self.api_turns and at_work else None
            with turns if turns is not None else contextlib.nullcontext():
                environ[TURN] = _Turn(turns)
                self._let_people_finish(handle)
                return self.wsgi_app(environ, start_response)
        if path.startswith(NOT_PEOPLE):
            return self.wsgi_app(environ, start_response)
        handle = _handle(self.path)
        _lock(handle, fcntl.F_OFD_SETLK, fcntl.F_RDLCK)  # people share it: never refused, never waits
        os.utime(handle.fileno())  # people are at work
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            _lock(handle, fcntl.F_OFD_SETLK, fcntl.F_UNLCK)

    def _let_people_finish(self, handle):
        """Wait until no person's request is being answered on this host, or the yield is over."""
        if self.yield_seconds <= 0:
            return
        give_up = time.monotonic() + self.yield_seconds
        while _lock(handle, fcntl.F_OFD_GETLK, fcntl.F_WRLCK) != fcntl.F_UNLCK and time.monotonic() < give_up:
            time.sleep(POLL_SECONDS)


def init_app(app):
    app.wsgi_app = PeopleFirst(app.wsgi_app, app.config["API_CONCURRENCY"], app.config["API_YIELD_MS"],
                               app.config.get("PEOPLE_FIRST_LOCK"))
