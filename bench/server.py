"""Start the app (or the ceiling app) under gunicorn the way `make run` does, on a free port.
Used by the benchmarks and by the crash and concurrency tests."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, database_url, app="app:app", health="/healthz", **env):
        self.port = free_port()
        self.app, self.health = app, health
        self.env = {**os.environ, "DATABASE_URL": database_url, "SEED_DEMO": "0", "HOST": "127.0.0.1",
                    "PORT": str(self.port), "SECRET_KEY": "bench", **env}
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        # gunicorn's log goes to a file: a pipe nobody reads would block it once full.
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([GUNICORN, "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null",
                                      self.app], cwd=ROOT, env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + self.health, timeout=1)
                return self
            except OSError:
                if self.proc.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(self.log.read().decode()[-2000:]) from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not come up")

    __enter__ = start

    def kill(self):
        """SIGKILL the master and its workers at once: no clean shutdown."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def peak_rss_mb(self):
        """The largest peak RSS (VmHWM) among the workers."""
        peaks = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1) if peaks else None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    def __exit__(self, *exc):
        self.stop()
