"""The scanner check: the command sheet's test barcode, scanned on /scan/check, tells an operator
what is wrong with the scanner's set-up, in plain words. Users of other tools report garbled scans
from exactly these causes: no suffix, the GS separator dropped, a keyboard layout that swaps
characters (y/z, symbols, case), a prefix added, characters repeated.

The test barcode is GS1-128: a GTIN, a lot with mixed case, y and z, and symbols, an FNC1 (sent as
GS, 0x1D) because the lot has a variable length, and a serial number. Pure text: no Flask."""
import re
from dataclasses import dataclass

from ..words import Words

GS = "\x1d"
GTIN_ELEMENT = "0109501101530003"
HEAD = GTIN_ELEMENT + "10yZ-7/q"  # the lot: variable length, so an FNC1 (GS) must follow it
TAIL = "21Ab.3"
EXPECTED = HEAD + GS + TAIL  # what a well set-up wedge types (a ]C1 in front is fine too)
SYMBOLOGY_IDS = ("]C1",)
SUFFIXES = ("Enter", "Tab")
# How scanners spell the GS character when they type its name instead of sending it: a setting,
# not a keyboard layout, so its letters must not be read as swapped symbols.
GS_NAMES = ("<GS>", "[GS]", "{GS}", "<1D>", "<0x1D>", "\\x1d", "\\u001d", "^]", "<FNC1>", "[FNC1]", "{FNC1}")


@dataclass
class Finding:
    problem: Words  # what is wrong, in a few words
    fix: Words  # what to change on the scanner


def diagnose(text, suffix):
    """Findings for the scanned `text` and the key that ended it (`suffix`: Enter, Tab or none);
    an empty list when the scanner is set up right."""
    findings = []
    if suffix not in SUFFIXES:
        findings.append(Finding(Words("No suffix after the scan"),
                                Words("Set the scanner to send Enter (or Tab) after each barcode. Without it the "
                                      "scan page waits a second after every scan.")))
    body = text or ""
    for sid in SYMBOLOGY_IDS:
        if body.startswith(sid):
            body = body[len(sid):]
    if len(body) > len(EXPECTED) and _collapse(body) in (_collapse(EXPECTED), _collapse(HEAD + TAIL)):
        return findings + [_repeated()]
    start = body.find(GTIN_ELEMENT)
    if start < 0:
        return findings + [_unreadable(body)]
    if start:
        findings.append(Finding(Words("A prefix “{prefix}” before every scan", prefix=_shown(body[:start])),
                                Words("Remove the prefix in the scanner's data formatting settings.")))
    body = body[start:]
    return findings + _after_prefix(body)


def _after_prefix(body):
    findings, head = [], body[:len(HEAD)]
    rest = body[len(HEAD):]
    named = next((name for name in GS_NAMES if rest.upper().startswith(name.upper())), None)
    if rest.startswith(GS):
        rest = rest[1:]
    elif named:
        findings.append(Finding(Words("The GS separator arrives as the text “{got}”", got=rest[:len(named)]),
                                Words("The scanner types the name of the GS character instead of sending it: turn "
                                      "on sending control characters as keys (DataWedge: Keystroke output > Send "
                                      "control characters; other scanners: 'transmit control characters' or "
                                      "'FNC1 as GS 0x1D').")))
        rest = rest[len(named):]
    elif _same_length_tail(rest, TAIL):
        findings.append(Finding(Words("The GS separator is dropped"),
                                Words("Set the scanner to send FNC1 / GS as the character 0x1D (DataWedge: "
                                      "keep 'Send control characters'); without it a lot runs into the quantity.")))
    elif rest:
        findings.append(Finding(Words("The GS separator arrives as “{got}”", got=_shown(rest[0])),
                                Words("Set the scanner to send FNC1 / GS as the character 0x1D, not replaced.")))
        rest = rest[1:]
    tail, extra = rest[:len(TAIL)], rest[len(TAIL):]
    findings += _layout(head + tail, HEAD + TAIL)
    if extra:
        findings.append(Finding(Words("“{extra}” added after every scan", extra=_shown(extra)),
                                Words("Remove the extra suffix characters: send only Enter or Tab.")))
    return findings


def _same_length_tail(rest, tail):
    return len(rest) >= len(tail) and rest[:2] == tail[:2]  # the serial's AI (digits) comes at once


def _layout(got, expected):
    """Characters that arrived as others: a keyboard layout or a case setting."""
    pairs = {(e, g) for e, g in zip(expected, got, strict=False) if e != g}
    if len(got) < len(expected):
        return [Finding(Words("Characters are missing"), Words(
            "Slow the scanner's key rate (inter-character delay), then scan the test barcode again."))]
    findings = []
    if {("y", "z"), ("Z", "Y")} & pairs:
        findings.append(Finding(Words("y and z are swapped"),
                                Words("The scanner types for a German (QWERTZ) keyboard and the handheld expects "
                                      "English, or the other way round: set the same keyboard layout on both.")))
    case = {(e, g) for e, g in pairs if e.lower() == g.lower() and (e, g) not in {("y", "z"), ("Z", "Y")}}
    if case:
        findings.append(Finding(Words("Letters arrive in the wrong case"),
                                Words("Switch off Caps Lock and any case conversion in the scanner's settings.")))
    symbols = sorted(p for p in pairs - case - {("y", "z"), ("Z", "Y")})
    if symbols:
        shown = [Words("“{expected}” arrives as “{got}”", expected=e, got=_shown(g)) for e, g in symbols]
        findings.append(Finding(Words("Symbols come out wrong: {symbols}", symbols=shown),
                                Words("Set the scanner's keyboard layout to the handheld's (or use its "
                                      "'send as Unicode / ALT codes' option).")))
    return findings


def _repeated():
    return Finding(Words("Characters are repeated"),
                   Words("The scanner sends keys faster than the handheld takes them: set an "
                         "inter-character delay (DataWedge: 'Inter character delay' 20 ms or more)."))


def _unreadable(body):
    if _collapse(GTIN_ELEMENT) in _collapse(body) and len(body) > len(EXPECTED):
        return _repeated()
    return Finding(Words("This is not the test barcode"),
                   Words("Scan the scanner check barcode at the bottom of the command sheet."))


def _collapse(text):
    return re.sub(r"(.)\1+", r"\1", text)


def _shown(text):
    """Control characters made visible: a prefix or suffix may be one."""
    return "".join(ch if ch.isprintable() else f"<{ord(ch):02X}>" for ch in text)
