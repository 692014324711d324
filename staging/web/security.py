"""CSRF for every state-changing request made with a session cookie; bearer-token calls are exempt
(a browser never adds that header by itself, so a forged request cannot carry one)."""
from flask import g, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_app(app):
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
        csrf.protect()
