"""Error pages for people (the API answers problem+json itself)."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError


def init_app(app):
    @app.errorhandler(404)
    def not_found(err):
        if request.path.startswith("/api/"):
            from .api import problem
            return problem(404, "Not found", "No such resource.")
        return render_template("errors/error.html", title="Not found",
                               message="There is nothing at this address."), 404

    @app.errorhandler(CSRFError)
    def csrf_failed(err):
        return render_template("errors/error.html", title="Please try again",
                               message="This page was open too long or came from another site. "
                                       "Reload it and try again."), 400
