"""A Zebra-class printer's host status: the `~HS` query on its raw port (9100), and what the answer
means for printing. No Flask, no database here.

The answer, per the ZPL II Programming Guide (Zebra, "~HS Host Status Return"): three strings, each
framed by STX (0x02) and ETX (0x03) and followed by CR LF, fields separated by commas.
  String 1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l
    aaa communication settings, b paper out flag (1 = paper out), c pause flag (1 = paused),
    dddd label length in dots, eee formats in the receive buffer, f buffer full flag (1 = full),
    g communications diagnostic mode, h partial format flag, iii unused, j corrupt RAM,
    k under temperature, l over temperature.
  String 2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www
    mmm function settings, n unused, o head up flag (1 = head open), p ribbon out flag
    (1 = ribbon out), q thermal transfer mode, r print mode, s print width mode, t label waiting,
    uuuuuuuu labels remaining in batch, v format while printing, www graphic images stored.
  String 3: xxxx,y  password, static RAM installed.
A printer that takes the connection but never answers `~HS` (an office printer's raw port, an old
model) is `unknown`: labels go to it without a status, as they always did."""
import dataclasses
import re
import socket
import time

STX, ETX = b"\x02", b"\x03"
FRAME = re.compile(rb"\x02([^\x02\x03]*)\x03")
QUERY = b"~HS\r\n"
STATUS_TIMEOUT = 2.0  # seconds to wait for the three strings once connected

# The order a person fixes things in: the first that holds is the printer's state.
SENDABLE = ("ready", "unknown")


@dataclasses.dataclass
class Status:
    state: str  # ready, paper_out, ribbon_out, head_open, paused, offline, unknown
    note: str = ""  # why, in words, when the printer cannot print or could not be asked
    buffer_full: bool = False
    flags: dict = dataclasses.field(default_factory=dict)

    @property
    def sendable(self):
        """Labels may go now: ready (and room in its buffer), or a printer without status."""
        return self.state in SENDABLE and not self.buffer_full


def _flag(fields, index):
    return len(fields) > index and fields[index].strip() == "1"


def parse(answer):
    """The state from the bytes a printer sent back to `~HS`; None when they hold no three strings."""
    frames = [f.decode("ascii", "replace").split(",") for f in FRAME.findall(answer)]
    if len(frames) < 3:
        return None
    first, second = frames[0], frames[1]
    flags = {"paper_out": _flag(first, 1), "paused": _flag(first, 2), "buffer_full": _flag(first, 5),
             "head_open": _flag(second, 2), "ribbon_out": _flag(second, 3)}
    for state in ("head_open", "paper_out", "ribbon_out", "paused"):
        if flags[state]:
            return Status(state, flags=flags, buffer_full=flags["buffer_full"])
    note = "buffer full" if flags["buffer_full"] else ""
    return Status("ready", note=note, flags=flags, buffer_full=flags["buffer_full"])


def query(host, port, *, connect_timeout=5.0, answer_timeout=STATUS_TIMEOUT):
    """Ask a printer for its host status over TCP. Never raises: a printer that cannot be reached is
    `offline` (with why), one that takes the query but does not answer it is `unknown`."""
    try:
        sock = socket.create_connection((host, port), timeout=connect_timeout)
    except ConnectionRefusedError:
        return Status("offline", note="refused the connection")
    except socket.timeout:
        return Status("offline", note=f"no answer within {connect_timeout:g} s")
    except socket.gaierror:
        return Status("offline", note=f"unknown host {host}")
    except OSError as err:
        return Status("offline", note=err.strerror or str(err))
    with sock:
        answer = b""
        try:
            sock.sendall(QUERY)
            deadline = time.monotonic() + answer_timeout
            while answer.count(ETX) < 3 and (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                chunk = sock.recv(1024)
                if not chunk:
                    break
                answer += chunk
        except socket.timeout:
            pass
        except OSError as err:
            return Status("offline", note=err.strerror or str(err))
    return parse(answer) or Status("unknown", note="")
