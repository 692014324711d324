"""Error pages for people, problem+json for the API: every refusal readable, never a stack trace."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..domain.errors import DomainError
from ..store.db import FAULTS, disk_full

# What a person is told, in words, for the HTTP errors a request itself can cause.
MESSAGES = {
    400: ("Bad request", "The request could not be read. Reload the page and try again."),
    404: ("Not found", "There is nothing at this address."),
    405: ("Not allowed", "This address does not take that kind of request."),
    413: ("Too large", "That upload is too large. Send a smaller file (a photo of a few MB is plenty)."),
}


def _answer(status, title, message):
    if request.blueprint == "api" or request.path.startswith("/api/"):
        from .api import problem
        return problem(status, title, message)
    return render_template(_template(), title=title, message=message), status


def _template():
    """A piece of page htmx asked for (a poll, a form in a block; not a boosted click) gets the
    refusal alone, in its place: the whole error page there would be a page inside the page."""
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return "errors/_error.html"
    return "errors/error.html"


def init_app(app):
    @app.errorhandler(DomainError)
    def domain_error(err):
        # A domain refusal that escaped a page's view (an unknown work order in the URL...): its
        # own words and status, not a 500.
        return _answer(err.status, err.title, err.message)

    @app.errorhandler(HTTPException)
    def http_error(err):
        if err.code not in MESSAGES:
            return err
        title, message = MESSAGES[err.code]
        if err.code == 400 and err.description and err.description != type(err).description:
            message = err.description  # a view's own words: abort(400, "Dates must look like ...")
        if err.code == 404 and (request.blueprint == "api" or request.path.startswith("/api/")):
            message = "No such resource."
        return _answer(err.code, title, message)

    @app.errorhandler(FAULTS[0])
    @app.errorhandler(FAULTS[1])
    def database_fault(err):
        # The database failed, not the request: a full disk, a dropped connection that could not be
        # retried safely. 503 tells a script (and the scan page's queue) to try again later.
        app.logger.warning("database fault on %s %s: %s", request.method, request.path, err)
        if disk_full(err):
            message = ("The database's disk is full: nothing more can be recorded until space is freed. "
                       "What you just did was not recorded; try again in a few minutes.")
        else:
            message = ("The database stopped answering in the middle of this request. It may or may not "
                       "have been recorded: check before you do it again.")
        return _answer(503, "Database not available", message)

    @app.errorhandler(CSRFError)
    def csrf_failed(err):
        return render_template(_template(), title="Please try again",
                               message="This page was open too long or came from another site. "
                                       "Reload it and try again."), 400
