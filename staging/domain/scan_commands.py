"""Command barcodes: the payloads printed on the command sheet, and what they say on it.

A command is scanned like any other code (codes.resolve decides), so a gloved operator can
switch mode, finish, cancel, undo or sign out without touching the screen."""

MODES = ("MOVE", "LOAD", "UNLOAD", "SPLIT", "CONSUME", "WASTE", "RECEIVE", "COUNT", "TASKS", "PRODUCE")

COMMANDS = (
    ("CMD:DONE", "Done"),
    ("CMD:CANCEL", "Cancel"),
    ("CMD:UNDO", "Undo my last change (scan twice)"),
    ("CMD:SIGNOUT", "Sign out"),
    ("CMD:MODE:MOVE", "Mode: Move"),
    ("CMD:MODE:LOAD", "Mode: Load"),
    ("CMD:MODE:UNLOAD", "Mode: Unload / return"),
    ("CMD:MODE:SPLIT", "Mode: Split (part of a pallet)"),
    ("CMD:MODE:CONSUME", "Mode: Consume"),
    ("CMD:MODE:WASTE", "Mode: Waste"),
    ("CMD:MODE:RECEIVE", "Mode: Receive"),
    ("CMD:MODE:COUNT", "Mode: Count"),
    ("CMD:MODE:TASKS", "Mode: Tasks"),
    ("CMD:MODE:PRODUCE", "Mode: Produce"),
)

# Waste reasons, scanned as CMD:REASON:<CODE>; the label is what the ledger records.
REASONS = (
    ("DAMAGED", "Damaged"),
    ("WET", "Wet packaging"),
    ("CONTAMINATED", "Contaminated"),
    ("WRONG", "Wrong material"),
    ("EXPIRED", "Expired"),
    ("SPILLED", "Spilled"),
)

# A lead's reasons to load material no open work order of the machine needs, scanned or tapped
# as CMD:OVERRIDE:<CODE> right after the refusal; the label is what the ledger records.
OVERRIDES = (
    ("SUBSTITUTE", "Approved substitute material"),
    ("TRIAL", "Trial run"),
    ("ORDER", "Work order not yet updated"),
    ("ENGINEERING", "Engineering request"),
)
