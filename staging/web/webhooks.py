"""Webhooks: the API (POST/GET /api/webhooks, DELETE, rotate, replay; routes of the api blueprint, so
they share its token check, CSRF exemption and problem+json) and the admins' page, reached from the
settings page. Starts this process's delivery thread (staging/domain/webhooks/worker.py)."""
from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import events
from ..domain.errors import DomainError
from ..domain.webhooks import Rules, subscriptions, worker
from . import api, idempotency, schemas_webhooks
from .apispec import responses, spec
from .auth import login_required
from .i18n import say
from .serial import iso

bp = Blueprint("webhooks", __name__)


def register(app):
    app.register_blueprint(bp, url_prefix="/admin")

    @app.before_request
    def _deliver_in_background():
        # Every app process delivers; tests (TESTING) start the thread themselves, or ask for it
        # (EVENT_DELIVERY_IN_TESTS) and stop it with worker.stop().
        config = current_app.config
        wanted = not current_app.testing or config.get("EVENT_DELIVERY_IN_TESTS")
        if wanted and config.get("WEBHOOK_POLL_SECONDS", 0.25):
            worker.ensure_running(lambda: Rules.from_config(current_app.config))

    @app.teardown_request
    def _wake_delivery(exc):
        # After the response: whatever this request committed is visible now.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            worker.wake()


def shown(sub, secret=False):
    data = {"id": sub.id, "url": sub.url, "types": subscriptions.types_of(sub)}
    if secret:
        data["secret"] = sub.secret
        idempotency.holds_secret()
    return data


def listed(sub):
    return {**shown(sub), "created_at": iso(sub.created_at), "last_success_at": iso(sub.last_success_at),
            "failing_since": iso(sub.failing_since), "last_error": sub.last_error or None,
            "waiting": sub.waiting, "dead": sub.dead_count}


# --- the API ------------------------------------------------------------------------------------------

@api.bp.post("/webhooks")
@api.token_required
@spec.validate(json=schemas_webhooks.WebhookIn, resp=responses(201, schemas_webhooks.WebhookSecret, 403, 422),
               tags=["events"])
def api_add_webhook(json: schemas_webhooks.WebhookIn):
    """Subscribe a receiver to the plant's events (admins). The secret is in this answer only."""
    sub = subscriptions.add(g.user, json.url, json.types)
    return api.created(shown(sub, secret=True), False)


@api.bp.get("/webhooks")
@api.token_required
@spec.validate(resp=responses(200, schemas_webhooks.WebhookList, 403), tags=["events"])
def api_list_webhooks():
    """Every webhook with its last success, since when it fails, and its waiting and dead counts."""
    return jsonify([listed(sub) for sub in subscriptions.listing(g.user)])


@api.bp.delete("/webhooks/<int:webhook_id>")
@api.token_required
@spec.validate(resp=responses(204, None, 403, 404), tags=["events"])
def api_delete_webhook(webhook_id):
    """Stop sending to this receiver; its dead list goes with it."""
    subscriptions.remove(g.user, webhook_id)
    return "", 204


@api.bp.post("/webhooks/<int:webhook_id>/rotate")
@api.token_required
@spec.validate(resp=responses(200, schemas_webhooks.WebhookSecret, 403, 404), tags=["events"])
def api_rotate_webhook(webhook_id):
    """A new secret, used from the next delivery on; in this answer only."""
    return jsonify(shown(subscriptions.rotate(g.user, webhook_id), secret=True))


@api.bp.post("/webhooks/<int:webhook_id>/replay")
@api.token_required
@spec.validate(json=schemas_webhooks.ReplayIn, resp=responses(200, schemas_webhooks.Replayed, 403, 404, 422),
               tags=["events"])
def api_replay_webhook(webhook_id, json: schemas_webhooks.ReplayIn):
    """Send dead events again: all of them (`{}`), or one (`{"event": "<CloudEvents id>"}`)."""
    return jsonify(replayed=subscriptions.replay(g.user, webhook_id, json.event))


# --- the admins' page ---------------------------------------------------------------------------------

def _page(error=None, url="", chosen=(), new=None, status=200):
    return render_template("admin/webhooks.html", subs=subscriptions.listing(g.user), types=events.TYPES,
                           brokers=subscriptions.listing(g.user, "mqtt"),
                           error=error, url=url, chosen=set(chosen), new=new), status


@bp.get("/webhooks")
@login_required
def index():
    return _page()


@bp.post("/webhooks")
@login_required
def add():
    url, chosen = request.form.get("url", ""), request.form.getlist("types")
    try:
        sub = subscriptions.add(g.user, url, chosen)
    except DomainError as err:
        if err.status == 403:
            raise
        return _page(say(err), url, chosen, status=422)
    # The secret is shown now, once: the page is answered, not redirected to.
    return _page(new=sub, status=201)


@bp.get("/webhooks/<int:webhook_id>")
@login_required
def detail(webhook_id, new=None):
    sub = subscriptions.find(g.user, webhook_id)
    return render_template("admin/webhook.html", sub=sub, dead=subscriptions.dead_list(g.user, webhook_id),
                           types=subscriptions.types_of(sub), new=new)


@bp.post("/webhooks/<int:webhook_id>/rotate")
@login_required
def rotate(webhook_id):
    return detail(webhook_id=webhook_id, new=subscriptions.rotate(g.user, webhook_id))


@bp.post("/webhooks/<int:webhook_id>/replay")
@login_required
def replay(webhook_id):
    try:
        count = subscriptions.replay(g.user, webhook_id, request.form.get("event") or None)
    except DomainError as err:
        if err.status == 403:
            raise
        flash(say(err), "error")
    else:
        flash(gettext("%(count)s events go out again now.", count=count) if count != 1
              else gettext("The event goes out again now."))
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id), 303)


@bp.post("/webhooks/<int:webhook_id>/delete")
@login_required
def delete(webhook_id):
    sub = subscriptions.remove(g.user, webhook_id)
    flash(gettext("Webhook to %(url)s deleted: nothing more is sent there.", url=sub.url))
    return redirect(url_for("webhooks.index"), 303)
