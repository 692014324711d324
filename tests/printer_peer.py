"""A Zebra-class printer on 127.0.0.1, for tests: a real TCP server (a thread) that answers the host
status query `~HS` with the three STX/ETX strings of the ZPL manual, flags set as the test says (paper
out, paused, head open, ribbon out, buffer full), and keeps every label format it receives.

`answers_status=False` is a printer that takes the connection but never answers `~HS` (unknown);
`switch_off()` stops listening (offline: the connection is refused) and `switch_on()` listens again
on the same port. `jobs` holds what each connection sent besides the status query."""
import socket
import threading
import time

STX, ETX = "\x02", "\x03"


def hs_answer(paper_out=False, paused=False, head_open=False, ribbon_out=False, buffer_full=False):
    """The three strings a ZPL printer sends back to ~HS (field layout of the ZPL II manual)."""
    b, c, f = int(paper_out), int(paused), int(buffer_full)
    o, p = int(head_open), int(ribbon_out)
    one = f"{STX}030,{b},{c},1218,000,{f},0,0,000,0,0,0{ETX}\r\n"
    two = f"{STX}001,0,{o},{p},1,2,4,0,00000000,1,000{ETX}\r\n"
    three = f"{STX}1234,0{ETX}\r\n"
    return (one + two + three).encode("ascii")


class PrinterPeer:
    def __init__(self, answers_status=True, **flags):
        self.answers_status = answers_status
        self.flags = dict(flags)
        self.jobs = []
        self.talking = 0  # connections being read
        self._count = threading.Lock()
        self.status_queries = 0
        self.port = None
        self.server = None
        self.switch_on()

    def set(self, **flags):
        """Change the printer's flags (paper back: set(paper_out=False))."""
        self.flags = dict(flags)

    def switch_on(self):
        self.server = socket.create_server(("127.0.0.1", self.port or 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, args=(self.server,), daemon=True).start()

    def switch_off(self):
        # shutdown wakes the thread blocked in accept(); a bare close would leave the port listening.
        try:
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()

    close = switch_off

    def _serve(self, server):
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        with self._count:
            self.talking += 1
        with conn:
            received = b""
            try:
                while data := conn.recv(65536):
                    received += data
                    if b"~HS" in received:
                        received = received.replace(b"~HS\r\n", b"").replace(b"~HS", b"")
                        self.status_queries += 1
                        if self.answers_status:
                            conn.sendall(hs_answer(**self.flags))
            except OSError:
                pass
            if received.strip():
                self.jobs.append(received)
        with self._count:
            self.talking -= 1

    def labels(self):
        return sum(data.count(b"^XA") for data in self.jobs)

    def settle(self, quiet=0.2, seconds=5):
        """What it received once nothing more arrives: a sender counts a job sent when the socket
        took its bytes, a moment before this side has read them all."""
        deadline, last, since = time.monotonic() + seconds, None, time.monotonic()
        while time.monotonic() < deadline:
            now = (len(self.jobs), self.talking)
            if now != last:
                last, since = now, time.monotonic()
            elif self.talking == 0 and time.monotonic() - since >= quiet:
                break
            time.sleep(0.02)
        return self.jobs

    def wait(self, count=1, seconds=10):
        deadline = time.monotonic() + seconds
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.jobs
