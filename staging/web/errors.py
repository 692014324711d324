"""Error pages for people, problem+json for the API: every refusal readable, never a stack trace."""
from flask import render_template, request
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..domain.errors import DomainError
from ..store.db import FAULTS, disk_full
from .i18n import say

# What a person is told, in words, for the HTTP errors a request itself can cause.
MESSAGES = {
    400: (lazy_gettext("Bad request"), lazy_gettext("The request could not be read. Reload the page and try again.")),
    404: (lazy_gettext("Not found"), lazy_gettext("There is nothing at this address.")),
    405: (lazy_gettext("Not allowed"), lazy_gettext("This address does not take that kind of request.")),
    413: (lazy_gettext("Too large"),
          lazy_gettext("That upload is too large. Send a smaller file (a photo of a few MB is plenty).")),
}

# The domain's error titles (class attributes there, no Flask): marked here for the catalog.
DOMAIN_TITLES = (lazy_gettext("Refused"), lazy_gettext("Not found"), lazy_gettext("Conflict"),
                 lazy_gettext("Invalid"), lazy_gettext("Not allowed"), lazy_gettext("Not signed in"),
                 lazy_gettext("Too many attempts"), lazy_gettext("Unknown barcode"), lazy_gettext("Not used"),
                 lazy_gettext("Wrong material"), lazy_gettext("Printer not answering"),
                 lazy_gettext("Changed meanwhile"))  # the scan page's word for a conflict


def title_of(err):
    """A domain error's title (err.title, English) in the reader's language."""
    return gettext(err.title)


def _answer(status, title, message):
    title, message = str(title), str(message)  # lazy words: said in the reader's language, now
    if request.blueprint == "api" or request.path.startswith("/api/"):
        from .api import problem
        return problem(status, title, message)
    return render_template(_template(), title=title, message=message), status


def _with_allow(response, methods):
    """A 405 says which methods the address does take (RFC 9110), as werkzeug's own answer did."""
    from flask import make_response
    response = make_response(response)
    response.headers["Allow"] = ", ".join(sorted(methods))
    return response


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
        return _answer(err.status, title_of(err), say(err))

    @app.errorhandler(HTTPException)
    def http_error(err):
        api = request.blueprint == "api" or request.path.startswith("/api/")
        if err.code not in MESSAGES and not (api and err.code and err.code >= 400):
            return err
        title, message = MESSAGES.get(err.code, (err.name, gettext("The request was refused (HTTP %(code)s).",
                                                                   code=err.code)))
        if err.code == 400 and err.description and err.description != type(err).description:
            message = err.description  # a view's own words: abort(400, "Dates must look like ...")
        if err.code == 404 and api:
            message = gettext("No such resource.")
        response = _answer(err.code, title, message)
        if err.code == 405 and getattr(err, "valid_methods", None):
            response = _with_allow(response, err.valid_methods)
        return response

    @app.errorhandler(FAULTS[0])
    @app.errorhandler(FAULTS[1])
    def database_fault(err):
        # The database failed, not the request: a full disk, a dropped connection that could not be
        # retried safely. 503 tells a script (and the scan page's queue) to try again later.
        app.logger.warning("database fault on %s %s: %s", request.method, request.path, err)
        if disk_full(err):
            message = gettext("The database's disk is full: nothing more can be recorded until space is freed. "
                              "What you just did was not recorded; try again in a few minutes.")
        else:
            message = gettext("The database stopped answering in the middle of this request. It may or may not "
                              "have been recorded: check before you do it again.")
        return _answer(503, gettext("Database not available"), message)

    @app.errorhandler(CSRFError)
    def csrf_failed(err):
        # A session-signed call to the API without the token gets problem+json like every API answer.
        return _answer(400, gettext("Please try again"),
                       gettext("This page was open too long or came from another site. Reload it and try again."))
