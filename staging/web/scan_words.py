"""The scan page script's own sentences (offline queue, photo, replay banner) in the reader's
language: page.html writes them as a JSON block, static/js/scan.js fills in their {placeholders}.
No English is hard-coded in the script. A sentence with a count comes as its plural forms by CLDR
category (one, few, many, other), which the script picks with Intl.PluralRules."""
from babel import Locale
from flask_babel import get_locale, gettext, ngettext

from ..domain.scan.commands import MODE_NAMES
from . import i18n


def plural(said):
    """{category: text} for the reader's language: `said` (count -> ngettext) of the first count in each."""
    locale = get_locale() or Locale("en")
    forms = {}
    for count in range(0, 200):
        forms.setdefault(locale.plural_form(count), said(count))
    return forms


def script_words():
    words = {
        "signedOut": gettext("Signed out: scan your badge"),
        "badgeNoConnection": gettext("No connection: scan your badge again when it is back."),
        "queued": gettext("{count} queued"),
        "queuedOffline": gettext("{count} queued · no connection"),
        "setAside": plural(lambda n: ngettext(
            "{count} scan of {user} set aside: sent when {user} signs in on this device again.",
            "{count} scans of {user} set aside: sent when {user} signs in on this device again.", n)),
        "dropped": gettext("Set-aside scans dropped"),
        "notDropped": gettext("Not dropped"),
        "readTwice": gettext("{code} read twice: sent once"),
        "notRecorded": gettext("Not recorded: {what}"),
        "serverFault": gettext("The server failed on this scan ({status}). Scan it again; if it fails again, "
                               "tell a lead."),
        "back": plural(lambda n: ngettext("Connection back: {count} queued scan sent",
                                          "Connection back: {count} queued scans sent", n)),
        "backRefused": gettext(", {count} refused (see the list below)"),
        "backAll": gettext(", all recorded"),
        "backWaiting": gettext("; not finished: {what}"),
        "mode": gettext("{mode} mode"),
        "quantity": gettext("quantity {qty}"),
        "saved": gettext("Saved: {what}"),
        "savedOffline": gettext("No connection. {count} queued on this device; they are sent in order when the "
                                "connection is back. Keep scanning."),
        "photoNotSent": gettext("Photo not sent"),
        "photoAfterQueue": gettext("Queued scans go first: try the photo again when they are sent."),
        "photoReading": gettext("Reading the photo…"),
        "noConnection": gettext("No connection"),
        "photoNeedsServer": gettext("A photo needs the server: try again, or type the code."),
        "keepScanning": gettext("Keep scanning: scans are saved on this device and sent in order when the "
                                "connection is back."),
    }
    words.update({"mode" + mode: i18n.say(name) for mode, name in MODE_NAMES.items()})
    return words
