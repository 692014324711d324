"""Web security at one place: CSRF for every state-changing request made with a session cookie
(bearer-token calls are exempt: a browser never adds that header by itself, so a forged request
cannot carry one), and the security headers of every response."""
import functools
import inspect
from urllib.parse import urlsplit

from flask import abort, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (directly, or through a
    trusted proxy's X-Forwarded-Proto), not only when SESSION_COOKIE_SECURE says so."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


MAX_JSON_DEPTH = 32  # our bodies are two levels deep; a 100,000-deep one only costs a stack


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a body nested too deep is invalid JSON (a 4xx), not a RecursionError (a
    500) in the parser or in whatever walks the result."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.") from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        return value


def _depth(value):
    """How deep lists and objects nest, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _takes_json():
    """Whether this request's API view reads a JSON body (spectree hands it the parsed `json`)."""
    view = current_app.view_functions.get(request.endpoint)
    return view is not None and _reads_json(view)


@functools.cache
def _reads_json(view):
    # Asked on every API write: inspect.signature unwraps the view's decorators each time.
    try:
        return "json" in inspect.signature(view).parameters
    except (TypeError, ValueError):
        return False


def refuse_what_is_not_json():
    """An API call that takes JSON, sent as a form or a multipart body (with or without a
    boundary): refused in words, before spectree hands the view no body at all."""
    if request.blueprint != "api" or request.method not in ("POST", "PUT", "PATCH"):
        return None
    if not _takes_json():
        return None
    from .api import problem
    if not request.is_json:
        return problem(422, "Invalid",
                       gettext("The request body must be a JSON object (Content-Type: application/json)."))
    if request.get_data(cache=True) and not isinstance(request.get_json(silent=True), dict):
        # Left to the validator, a body that is not JSON at all reads as an empty change: a 200 that did nothing.
        return problem(422, "Invalid", gettext("The request body is not a JSON object: nothing was done."))
    return None


def init_app(app):
    app.json = JSONProvider(app)
    if app.config.get("TRUST_PROXY"):
        # Behind nginx/a load balancer: the client's address (login throttle) and scheme (Secure
        # cookie) come from the proxy's X-Forwarded-For/-Proto/-Host, one hop deep. Off by
        # default: without a proxy in front, anyone could send those headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.session_interface = SessionInterface()
    # Checked here, after the user is loaded, instead of by default on every view.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a handheld page stays open all shift
    csrf.init_app(app)

    @app.before_request
    def check_csrf():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if g.get("via_token"):
            return
        if g.get("user") is None and request.blueprint == "api":
            return  # no session to ride on: the API answers 401 (problem+json), not a CSRF page
        csrf.protect()

    app.before_request(refuse_what_is_not_json)
    @app.before_request
    def refuse_nul():
        # No text of ours holds a NUL (0x00), and PostgreSQL cannot store or even compare one: one
        # refusal here instead of a 500 deep in a query. The scan page is left to the domain, which
        # answers an odd scan like any unknown barcode (a 4xx would stall the page's offline queue).
        if request.endpoint == "scan.scan" or not _has_nul(request):
            return None
        message = gettext("The request contains a NUL character (0x00), which no barcode or form field may hold. "
                          "Nothing was done.")
        if request.blueprint == "api":
            from .api import problem
            return problem(422, "Invalid", message)
        from flask import render_template
        return render_template("errors/error.html", title=gettext("Not accepted"), message=message), 400

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        return response


def safe_next(target):
    """`target` if it is a path on this site, else None: never redirect anyone elsewhere. Browsers
    drop tabs and newlines from a URL and read a backslash as a slash, so `/\t/evil.example/` or
    `/\\evil.example` would leave the site: refused too. A CR or LF is a 400 (it would split the
    Location header)."""
    if not target:
        return None
    if "\r" in target or "\n" in target:
        abort(400, gettext("That link is broken (a line break in its address). Go back and try again."))
    if any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# Scripts only from this app (no inline script, no eval); inline style attributes are allowed
# (progress bars, label layouts), since they cannot run code.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def _has_nul(req):
    texts = [req.path, *(t for pair in req.args.lists() for t in (pair[0], *pair[1]))]
    if req.method not in ("GET", "HEAD", "OPTIONS"):
        texts += [t for pair in req.form.lists() for t in (pair[0], *pair[1])]
        if req.is_json:
            texts += _strings(req.get_json(silent=True))
    return any(isinstance(text, str) and "\x00" in text for text in texts)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
