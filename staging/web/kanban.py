"""Kanban cards and calls: the API (POST/GET /api/kanban-cards, POST /api/calls; routes of the api
blueprint, so they share its token check and problem+json), the leads' page that makes loops of
cards, prints their labels and shows the calls waiting and on their way, and a card's label."""
from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from ..domain import tasks
from ..domain.errors import DomainError
from ..domain.people.permissions import can
from . import api, schemas_kanban
from .apispec import responses, spec
from .auth import login_required
from .i18n import say
from .serial import number
from .tasks import rules, task_json

bp = Blueprint("kanban", __name__)


def card_json(view):
    card = view.card
    return {"code": card.code, "place": card.place.code, "part": card.part.number, "revision": card.part.revision,
            "uom": card.part.uom, "quantity": number(card.quantity), "loop": card.loop, "number": card.number,
            "count": card.count, "called": view.called, "call": view.call.id if view.call else None,
            "label": url_for("labels.card", name=f"{card.code}.pdf", _external=True)}


def call_json(called):
    task = tasks.get(called.task.id) if called.task is not None else None
    return {"call": called.call.id, "card": called.card.code, "state": called.call.state,
            "task": task_json(task, called.card.code) if task else None}


# --- the API ------------------------------------------------------------------------------------------

@api.bp.post("/kanban-cards")
@api.token_required
@spec.validate(json=schemas_kanban.CardIn, resp=responses(201, schemas_kanban.CardsOut, 403, 404, 422),
               tags=["kanban"])
def api_make(json: schemas_kanban.CardIn):
    """Make a loop of kanban cards (a lead): `cards` cards calling `quantity` of a part to a line-side
    place. 201 with the first card's fields, and every card of the loop in `cards`."""
    json = api.body(json)
    made = tasks.cards.make_loop(g.user, json.place, json.part, json.revision, json.quantity, json.cards)
    views = [tasks.cards.CardView(tasks.cards.get(c.code), None) for c in made]
    out = [card_json(v) for v in views]
    return api.created(dict(out[0], cards=out), False)


@api.bp.get("/kanban-cards")
@api.token_required
@spec.validate(query=schemas_kanban.CardQuery, resp=responses(200, schemas_kanban.CardList, 422), tags=["kanban"])
def api_cards(query: schemas_kanban.CardQuery):
    """Active kanban cards, by place and loop, each saying whether it is called now."""
    return jsonify([card_json(v) for v in tasks.cards.listing(query.place)])


@api.bp.post("/calls")
@api.token_required
@spec.validate(json=schemas_kanban.CallIn, resp=responses(201, schemas_kanban.CallOut, 403, 404, 409, 422),
               tags=["kanban"])
def api_call(json: schemas_kanban.CallIn):
    """Call a kanban card, as scanning it does: its staging task at once (`tasked`), or a call that waits
    for stock (`waiting`). 409 when the card is called already; the same `client_scan_id` again: the
    same call."""
    json = api.body(json)
    called = tasks.calls.call(api.ctx(json.client_scan_id), json.card, rules())
    return api.created(call_json(called), called.replayed)


# --- the leads' page -------------------------------------------------------------------------------------

def _page(form=None, error=None):
    return render_template("kanban/cards.html", cards=tasks.cards.listing(), calls=tasks.calls.listing(),
                           done=tasks.calls.listing(states=("done",), limit=10), places=tasks.cards.line_side_places(),
                           may_manage=can(g.user, "manage_tasks"), form=form or {}, error=error)


@bp.get("/kanban")
@login_required
def index():
    """The cards by place and loop, with the calls waiting for stock and on their way."""
    return _page()


@bp.get("/kanban/calls")
@login_required
def calls():
    """The calls, as the page polls them (a fragment)."""
    return render_template("kanban/_calls.html", calls=tasks.calls.listing(),
                           done=tasks.calls.listing(states=("done",), limit=10))


@bp.post("/kanban")
@login_required
def make():
    f = request.form
    try:
        made = tasks.cards.make_loop(g.user, f.get("place"), f.get("part"), f.get("revision"), f.get("quantity"),
                                     f.get("cards") or "1")
    except DomainError as err:
        return _page(f, say(err)), err.status
    flash(ngettext("Card %(codes)s made: print its label below.", "Cards %(codes)s made: print their labels below.",
                   len(made), codes=", ".join(c.code for c in made)))
    return redirect(url_for("kanban.index", _anchor=f"loop-{made[0].code}"), 303)


@bp.post("/kanban/<code>/retire")
@login_required
def retire(code):
    """A lead takes a loop out of use: its cards no longer call anything."""
    try:
        card = tasks.cards.retire(g.user, code)
    except DomainError as err:
        return _page(error=say(err)), err.status
    flash(gettext("The loop of card %(card)s is retired: its cards call nothing any more.", card=card.code))
    return redirect(url_for("kanban.index"), 303)
