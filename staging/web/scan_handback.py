"""A lead's override on an operator's handheld: the operator's load was refused as wrong material,
a lead scans their badge (and types their PIN on the sign-in page), comes back to that refusal with
its override buttons, decides, and the handheld goes back to the operator.

The operator's refusal travels in the session as `scan_handback` (who, their session generation and
their scan state) through the PIN step; on the scan page it becomes the lead's state and a
`scan_return` ticket, which the lead's next scan spends: an override done (or a Cancel) hands the
handheld back to the operator, anything else leaves the lead signed in."""
from flask import g, session

from ..domain.people import users
from ..domain.people.permissions import can
from ..domain.scan import scanning
from ..domain.scan.commands import OVERRIDES
from ..domain.words import Words
from .auth import start_session

HANDBACK, RETURN = "scan_handback", "scan_return"
STATE, LAST = "scan_state", "scan_last"


def note(lead):
    """Before a badge hands the handheld to `lead`: keep the signed-in operator's refused load, when
    the lead may override it."""
    prior = scanning.State.load(session.get(STATE))
    operator = g.get("user")
    if not prior.refused or operator is None or operator.id == lead.id or not can(lead, "override_load"):
        return None
    return {"user_id": operator.id, "gen": operator.session_gen, "state": prior.dump()}


def take():
    """On the scan page after the lead signed in: the refusal again, with its override buttons."""
    if HANDBACK not in session:  # the usual page load: the session cookie stays as it is
        return
    handback = session.pop(HANDBACK)
    lead = g.get("user")
    if not isinstance(handback, dict) or lead is None or not can(lead, "override_load"):
        return
    operator = users.session_user(handback.get("user_id"), handback.get("gen"))
    if operator is None:
        return
    state = scanning.State.load(handback.get("state"))
    state.user_id = lead.id  # the refusal is the lead's to decide now
    lpn, machine = (state.refused.split("|") + ["", ""])[:2]
    session[STATE] = state.dump()
    session[LAST] = scanning.Outcome(
        "bad", Words("Wrong material"),
        Words("{person}'s load of {unit} onto {machine} was refused. Load it anyway for a reason below, or "
              "CANCEL: the handheld then goes back to {person}.", person=str(operator), unit=lpn, machine=machine),
        override=list(OVERRIDES)).dump()
    session[RETURN] = {"user_id": operator.id, "gen": operator.session_gen}


def give_back(code, outcome):
    """After the lead's scan: an override done, or a Cancel, hands the handheld back to the operator."""
    ticket = session.pop(RETURN) if RETURN in session else None
    if not isinstance(ticket, dict) or not isinstance(code, str):
        return outcome
    decided = (code.startswith("CMD:OVERRIDE:") and outcome.tone != "bad") or code == "CMD:CANCEL"
    operator = users.session_user(ticket.get("user_id"), ticket.get("gen")) if decided else None
    if operator is None:
        return outcome
    state = scanning.State.load(session.get(STATE))  # a machine scanned first stays for more pallets
    state.user_id = operator.id
    start_session(operator, "badge", fresh=False)  # the page's token stays: its queue carries on
    g.user = operator
    session[STATE] = state.dump()
    return outcome.add(Words("The handheld is back with {person}.", person=str(operator)))
