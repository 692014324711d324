"""Sentences for people, kept as an English template and its values so the edge can translate them.

The domain knows nothing of Flask or of who is reading: it says `Words("{unit} is on hold.", unit=code)`,
and the web layer (staging/web/i18n.py) looks the template up in the reader's catalog and fills it in.
`str(words)` is the English sentence, for logs, the CLI and tests.

Templates use str.format placeholders ("{unit}"); a value that is itself Words is translated too.
The extraction (babel.cfg, tests/test_translations.py) finds templates as the first argument of
Words(...) and of the domain's errors, so that argument must be a literal string, never an f-string.
"""


class Words:
    __slots__ = ("msgid", "values")

    def __init__(self, msgid, **values):
        self.msgid = msgid
        self.values = values

    def render(self, translate):
        """The sentence with `translate` (msgid -> text) applied to the template and to Words values."""
        text = translate(self.msgid)
        if not self.values:
            return text
        values = {k: v.render(translate) if isinstance(v, Words) else v for k, v in self.values.items()}
        return text.format(**values)

    def __str__(self):
        return self.render(lambda msgid: msgid)

    def __repr__(self):
        return f"Words({self.msgid!r}, **{self.values!r})"

    def __eq__(self, other):
        return isinstance(other, Words) and (self.msgid, self.values) == (other.msgid, other.values)

    def __hash__(self):
        return hash(self.msgid)
