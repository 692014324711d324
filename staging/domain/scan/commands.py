"""Command barcodes: the payloads printed on the command sheet, and what they say on it.

A command is scanned like any other code (codes.resolve decides), so a gloved operator can
switch mode, finish, cancel, undo or sign out without touching the screen. What they say is Words:
the page says it in the reader's language, the printed sheet in the plant's, the ledger in English
(str of it)."""
from ..words import Words

MODES = ("MOVE", "LOAD", "UNLOAD", "SPLIT", "CONSUME", "WASTE", "RECEIVE", "COUNT", "TASKS", "PRODUCE")
# A mode's name on its button and the panel.
MODE_NAMES = {"MOVE": Words("Move"), "LOAD": Words("Load"), "UNLOAD": Words("Unload"), "SPLIT": Words("Split"),
              "CONSUME": Words("Consume"), "WASTE": Words("Waste"), "RECEIVE": Words("Receive"),
              "COUNT": Words("Count"), "TASKS": Words("Tasks"), "PRODUCE": Words("Produce")}

COMMANDS = (
    ("CMD:DONE", Words("Done")),
    ("CMD:CANCEL", Words("Cancel")),
    ("CMD:UNDO", Words("Undo my last change (scan twice)")),
    ("CMD:SIGNOUT", Words("Sign out")),
    ("CMD:MODE:MOVE", Words("Mode: Move")),
    ("CMD:MODE:LOAD", Words("Mode: Load")),
    ("CMD:MODE:UNLOAD", Words("Mode: Unload / return")),
    ("CMD:MODE:SPLIT", Words("Mode: Split (part of a pallet)")),
    ("CMD:MODE:CONSUME", Words("Mode: Consume")),
    ("CMD:MODE:WASTE", Words("Mode: Waste")),
    ("CMD:MODE:RECEIVE", Words("Mode: Receive")),
    ("CMD:MODE:COUNT", Words("Mode: Count")),
    ("CMD:MODE:TASKS", Words("Mode: Tasks")),
    ("CMD:MODE:PRODUCE", Words("Mode: Produce")),
)

# Waste reasons, scanned as CMD:REASON:<CODE>; the label is what the ledger records.
REASONS = (
    ("DAMAGED", Words("Damaged")),
    ("WET", Words("Wet packaging")),
    ("CONTAMINATED", Words("Contaminated")),
    ("WRONG", Words("Wrong material")),
    ("EXPIRED", Words("Expired")),
    ("SPILLED", Words("Spilled")),
)

# A lead's reasons to load material no open work order of the machine needs, scanned or tapped
# as CMD:OVERRIDE:<CODE> right after the refusal; the label is what the ledger records.
OVERRIDES = (
    ("SUBSTITUTE", Words("Approved substitute material")),
    ("TRIAL", Words("Trial run")),
    ("ORDER", Words("Work order not yet updated")),
    ("ENGINEERING", Words("Engineering request")),
)

# Andon: a call for help at the machine or place scanned just before, scanned as CMD:<KIND> (short: on the
# printed sheet they stand three to a row).
ANDON = (
    ("SAFETY", Words("Andon: safety")),
    ("QUALITY", Words("Andon: quality")),
    ("MATERIAL", Words("Andon: material")),
)

# A machine's state, scanned as CMD:MACHINE:<CODE> right after the machine (scan/machine_state.py).
MACHINE_COMMANDS = (
    ("RUNNING", Words("Machine: Running")),
    ("IDLE", Words("Machine: Idle")),
    ("DOWN", Words("Machine: Down")),
    ("CHANGEOVER", Words("Machine: Changeover")),
    ("MAINTENANCE", Words("Machine: Maintenance")),
)
