"""Labels in the plant's language: Babel's own catalogs (staging/translations, the same ones the
pages use), loaded without Flask. A label's caption in a layout ("Lot {lot}") and the Words a
label's content holds (REPRINT, a location's kind, the command sheet) are looked up in the
catalog of the plant's language (PLANT_LOCALE); quantities are written in its number format."""
import functools
from decimal import Decimal
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from ..domain.languages import SHIPPED
from ..domain.words import Words, said

CATALOGS = Path(__file__).resolve().parents[1] / "translations"


def language_of(locale_name):
    """"de_DE", "pl-PL", "es" -> a shipped language ("en" when it is none of them)."""
    language = str(locale_name or "en").replace("-", "_").split("_")[0].lower()
    return language if language in SHIPPED else "en"


@functools.cache
def catalog(language):
    if language == "en":
        return NullTranslations()
    return Translations.load(str(CATALOGS), [language])


@functools.cache
def _locale(language):
    try:
        return Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def translate(language):
    """msgid -> text in `language` (the msgid itself when the catalog lacks it)."""
    gettext = catalog(language).gettext
    return lambda msgid: gettext(msgid) if msgid else msgid


def say(value, language):
    """Words (or a Decimal quantity) in `language`; any other value as it is."""
    if isinstance(value, Words | Decimal):
        locale = _locale(language)
        return said(value, translate(language), lambda v: _value(v, locale))
    return value


def _value(value, locale):
    return quantity_in(value, locale) if isinstance(value, Decimal) else value


def quantity_in(number, locale):
    """A quantity with the decimals it has (up to 3) in `locale`'s number format: 2.500 -> 2.5 / 2,5.
    No thousands separator: a shown quantity can be typed back as it is (1.000 is one in German)."""
    return format_decimal(number, format="#,##0.###", locale=locale, group_separator=False)
