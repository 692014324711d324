"""Flask blueprints: thin views that read the request, call the domain, choose a template."""
from flask import g, request
from flask_compress import Compress

from . import (
    account,
    admin,
    api,
    api_workorders,  # noqa: F401 (its PUT and PATCH go on api.bp, registered below)
    auth,
    counts,
    devices,
    errors,
    events_feed,
    floor,
    form_marks,
    health,
    i18n,
    kanban,
    labels,
    machine_states,
    people_first,
    plant,
    printers,
    reports,
    scan,
    security,
    settings,
    setup,
    state_words,
    stock,
    tasks,
    trace,
    upkeep,
    wall,
    webhooks,
    workorders,
)

# Text worth compressing: pages, fragments, CSS, JS, JSON, SVG labels and CSV exports.
COMPRESSED = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
              "image/svg+xml", "text/csv", "text/plain"]


def register(app):
    # First registered, so it runs after every other after_request: it compresses the final
    # body. `make run` serves handhelds directly, with no proxy to compress for it.
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    Compress(app)
    i18n.init_app(app)
    state_words.init_app(app)  # {{ status | state }}: stored words in the reader's language
    app.register_blueprint(auth.bp)
    app.register_blueprint(stock.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(labels.bp, url_prefix="/labels")
    app.register_blueprint(scan.bp)
    app.register_blueprint(floor.bp)
    app.register_blueprint(workorders.bp, url_prefix="/work-orders")
    app.register_blueprint(reports.bp)
    app.register_blueprint(setup.bp, url_prefix="/setup")
    app.register_blueprint(tasks.bp)
    app.register_blueprint(kanban.bp)  # kanban cards and calls (its API routes are the api blueprint's)
    app.register_blueprint(machine_states.bp)
    app.register_blueprint(counts.bp)
    app.register_blueprint(account.bp, url_prefix="/account")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    trace.register(app)  # output pallets and traceability (issue 17)
    events_feed.register(app)  # GET /api/events: the plant's events for an ERP
    webhooks.register(app)  # where the plant's events go: webhooks, MQTT
    printers.register(app)  # the printer fleet: its routes live on labels' and the api's blueprints
    upkeep.init_app(app)  # maintenance, calibration and andon calls
    app.register_blueprint(wall.bp)  # wall screens, opened by their token
    settings.init_app(app)  # the stored settings, read before anything else looks at the config
    devices.init_app(app)  # the signed device key the sign-in throttle counts by
    auth.init_app(app)
    security.init_app(app)  # after auth: it needs to know how the user signed in
    errors.init_app(app)
    plant.init_app(app)
    form_marks.init_app(app)  # {{ marks('field') }}: a refused field marked by its id
    people_first.init_app(app)  # wraps the whole app: last, so it sees every request first

    @app.context_processor
    def globals_():
        return {"current_user": g.get("user"), "plant_name": app.config["PLANT_NAME"]}

    @app.after_request
    def vary_on_htmx(response):
        # Pages answer htmx requests with a fragment: caches must keep the two apart.
        if request.headers.get("HX-Request"):
            response.vary.add("HX-Request")
        return response
