"""A refused field marked for everyone: `{{ marks('code') }}` in an input gives it the id the
refusal's summary links to and, when the view's `error` refused it, aria-invalid and the id of the
words that say why (rendered next to it by setup/_field.html's `problem`)."""
from jinja2 import pass_context
from markupsafe import Markup, escape


@pass_context
def marks(context, name):
    error = context.get("error")
    refused = getattr(error, "fields", None) or {}
    attributes = f'id="f-{escape(name)}"'
    if name in refused:
        attributes += f' aria-invalid="true" aria-describedby="err-{escape(name)}"'
    return Markup(attributes)


def init_app(app):
    app.jinja_env.globals["marks"] = marks
