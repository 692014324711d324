"""Which language a request is answered in, and saying the domain's Words in it.

The reader's language: the signed-in person's own (users.language, set on the people page, by
`create-user --language`, or the import), else what the browser asks for (Accept-Language), else
the plant's. Catalogs live in staging/translations/<lang>/LC_MESSAGES/messages.po; `make setup`
compiles them to .mo (not committed). tests/test_translations.py checks nothing is left out.
"""
import datetime
from decimal import Decimal

from flask import current_app, g, request
from flask_babel import Babel, format_date, format_decimal, get_locale, gettext, lazy_gettext

from ..domain.errors import DomainError
from ..domain.languages import SHIPPED as LANGUAGES  # in their own names (the pickers show these)
from ..domain.words import Words, part_label
from ..media.language import language_of, quantity_in

# Extraction keywords beyond Babel's defaults: Words and the domain's errors take their template first.
EXTRACT_KEYWORDS = ["Words", "DomainError", "NotFound", "Conflict", "Invalid", "Forbidden",
                    "SignInFailed", "TooManyAttempts", "PrinterError", "_Orphan", "TaskTaken", "Counted", "NoPlace",
                    "lazy_gettext"]


def select_locale():
    user = g.get("user")
    chosen = getattr(user, "language", None)
    if chosen in LANGUAGES:
        return chosen
    asked = request.accept_languages.best_match(LANGUAGES)
    return asked or plant_language()


def plant_language():
    """The plant's language (labels, signed-out pages with no Accept-Language): PLANT_LOCALE's."""
    return language_of(current_app.config.get("PLANT_LOCALE"))


def say(text):
    """Words, a DomainError or a plain str, in the reader's language."""
    if isinstance(text, DomainError):
        text = text.words
    if isinstance(text, Words):
        return text.render(_translate, value)
    return text


def _translate(msgid):
    # No variables: gettext leaves the text as it is, and Words fill in their {placeholders} themselves.
    # An empty msgid would fetch the catalog's header.
    return gettext(msgid) if msgid else msgid


def value(item):
    """A value in a sentence, in the reader's format: a quantity as a number (2,5 in German), a day."""
    if isinstance(item, Decimal):
        return quantity(item)
    if isinstance(item, datetime.date):
        return format_date(item, "d MMM")
    return item


def quantity(qty):
    """A quantity in the reader's number format, with the decimals it has (up to 3): 2.500 -> 2.5 / 2,5."""
    if qty is None or qty == "":
        return ""
    try:
        number = Decimal(str(qty))
    except ArithmeticError:
        return str(qty)
    return quantity_in(number, get_locale())


def part_said(part):
    """A part with its revision, "rev" in the reader's language (`{{ unit.part | part }}`)."""
    return say(part_label(part))


def grouped(number):
    """A count or a share in the reader's format, grouped: 50,000 / 50.000 / 50 000; 4.81 / 4,81."""
    if number is None or number == "":
        return ""
    return format_decimal(number, format="#,##0.##")


def percent(value, decimals=0):
    """A share in the reader's number format with its sign: 87 % / 12,5 % (decimals: 0 or 1)."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.0" if decimals else "#,##0") + "\u00a0%"


def tenths(value):
    """A figure with one decimal in the reader's format: 12.5 / 12,5."""
    return "" if value is None else format_decimal(value, format="#,##0.0")


def money(value):
    """An amount in the plant's currency, in the reader's format, with cents: -1,234.50 / -1.234,50."""
    return "" if value is None else format_decimal(value, format="#,##0.00")


# The shifts a plant starts with (config SHIFTS): their names are in the catalogs. A plant's own
# names show as the plant wrote them; stored logs, URLs and exports keep the name as configured.
SHIFT_NAMES = (lazy_gettext("Early"), lazy_gettext("Late"), lazy_gettext("Night"))


def shift_name(name):
    """A shift's name in the reader's language, where the catalogs have it."""
    return gettext(name) if name else name


def shift_label(label):
    """'2026-12-07 Early' (a report's shift column) with the name in the reader's language."""
    day, _, name = str(label or "").partition(" ")
    return f"{day} {shift_name(name)}" if name else label


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/translations"))
    Babel(app, locale_selector=select_locale)
    app.add_template_global(say, "say")
    app.add_template_filter(quantity, "qty")
    app.add_template_filter(part_said, "part")


    app.add_template_filter(grouped, "grouped")
    app.add_template_filter(tenths, "tenths")
    app.add_template_filter(money, "money")
    app.add_template_filter(shift_name, "shift_name")
    app.add_template_filter(shift_label, "shift_label")
    app.add_template_global(LANGUAGES, "LANGUAGES")

    @app.context_processor
    def language():
        return {"language": str(get_locale())}
