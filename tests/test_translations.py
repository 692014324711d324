"""Nothing left out of the translations (issue 18): the catalogs hold exactly what the code marks, in
every shipped language, with the same placeholders; no user-visible string goes unmarked (Python: the
domain's refusals and Words take a literal template; templates: no words outside _() or {% trans %});
and the reader's language reaches the page: a German operator's scan page, a Polish browser, labels in
the plant's language, quantities in the reader's number format."""
import ast
import datetime
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment
from playwright.sync_api import expect

from staging.domain import codes, languages
from staging.domain.errors import Invalid
from staging.domain.quantities import parse_quantity
from staging.media import labels
from staging.web.i18n import EXTRACT_KEYWORDS

from .test_handheld_browser import sign_in
from .test_scan_browser import shows, wedge
from .webutil import csrf_token, login

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "staging" / "translations"
SHIPPED = [language for language in languages.SHIPPED if language != "en"]
PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}|%\([A-Za-z_]\w*\)[sd]")
LETTER = re.compile(r"[^\W\d_]")


# --- a) the catalogs hold what the code marks --------------------------------------------------------------

def extracted():
    """{msgid: [where]} as `make messages` extracts it (babel.cfg and EXTRACT_KEYWORDS), in-process."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, **dict.fromkeys(EXTRACT_KEYWORDS)}
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def marked():
    return extracted()


def catalog(language):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=language)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_string_is_translated_with_its_placeholders(marked, language):
    shipped = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(language) if m.id}
    missing = sorted(f"{where[0]}: {msgid!r}" for msgid, where in marked.items() if msgid not in shipped)
    untranslated, wrong = [], []
    for msgid, message in shipped.items():
        if msgid not in marked:
            continue
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(forms):
            untranslated.append(f"{marked[msgid][0]}: {msgid!r}")
            continue
        ids = [msgid] if isinstance(message.id, str) else list(message.id)
        want = sorted(set(PLACEHOLDER.findall(" ".join(ids))))
        wrong += [f"{msgid!r} -> {form!r}" for form in forms if sorted(set(PLACEHOLDER.findall(form))) != want]
    stale = sorted(msgid for msgid in shipped if msgid not in marked)
    assert not missing, f"{language}: not in the catalog (run `make messages`):\n" + "\n".join(missing)
    assert not untranslated, f"{language}: no translation (or fuzzy):\n" + "\n".join(untranslated)
    assert not wrong, f"{language}: placeholders differ:\n" + "\n".join(wrong)
    assert not stale, f"{language}: in the catalog, but nothing marks it (run `make messages`):\n" + \
        "\n".join(map(repr, stale))


# --- b) nothing user-visible left unmarked -------------------------------------------------------------------

# The machinery itself builds Words and errors from values it was given: nothing to extract there.
PYTHON_ALLOWED = {
    "staging/domain/words.py": "Words.load rebuilds a sentence kept in the session",
    "staging/domain/errors.py": "DomainError.__init__ wraps the template it was given",
}
# Errors raised with a sentence that is already Words (made, and checked, where it was made): (file, argument).
PASSES_WORDS = {
    ("staging/domain/workorders/erp_import.py", "p.problem"): "the file's problem, Words from _read_rows",
    ("staging/domain/workorders/material.py", "_refusal(unit, machine, orders, lines)"): "_refusal returns Words",
}


def python_files():
    return sorted(p for p in (ROOT / "staging").rglob("*.py") if "translations" not in p.parts)


def _name(func):
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def domain_errors(trees):
    """Every class that is a DomainError, by name, across the package (subclasses of subclasses too)."""
    bases = {node.name: {_name(b) for b in node.bases} for tree in trees.values()
             for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    found, grew = {"DomainError"}, True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                grew = True
    return found


def _literal(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def unmarked_python(more=None):
    """(classes raised with a template, offenders "file:line: call"); `more`: {path: source} checked
    beside the app's own files (a test's probe, never written into the tree other tests read)."""
    sources = {p: p.read_text() for p in python_files()} | (more or {})
    trees = {p: ast.parse(text, str(p)) for p, text in sources.items()}
    errors = domain_errors(trees)
    # A class whose __init__ makes its own sentence says it as Words there; one that passes its first
    # argument on (super().__init__(message, ...)) is checked where it is raised, like any other error.
    own_init = {node.name for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                and node.name in errors and any(isinstance(f, ast.FunctionDef) and f.name == "__init__"
                                                and not _passes_message_on(f) for f in node.body)}
    raised, offenders = set(), []
    for path, tree in trees.items():
        relative = str(path.relative_to(ROOT))
        if relative in PYTHON_ALLOWED:
            continue
        for node in ast.walk(tree):
            call = node.exc if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) else node
            if not isinstance(call, ast.Call) or not call.args:
                continue
            name, first = _name(call.func), call.args[0]
            if isinstance(node, ast.Raise) and name in errors - own_init and _literal(first):
                raised.add(name)
            passes_words = (relative, ast.unparse(first)) in PASSES_WORDS
            if (name == "Words" or isinstance(node, ast.Raise) and name in errors - own_init) and not _literal(first) \
                    and not passes_words:
                offenders.append(f"{relative}:{call.lineno}: {ast.unparse(call)[:100]}")
            elif _own_sentence(tree, call, errors) and _name(getattr(first, "func", None)) != "Words":
                offenders.append(f"{relative}:{call.lineno}: {ast.unparse(call)[:100]} (say it as Words(...))")
    return raised, offenders


def _own_sentence(tree, call, errors):
    """super().__init__(...) of an error class that makes its own sentence (not a pass-through)."""
    if not (_name(call.func) == "__init__" and isinstance(call.func.value, ast.Call)
            and _name(call.func.value.func) == "super" and _inside_error_class(tree, call, errors)):
        return False
    return not any(isinstance(f, ast.FunctionDef) and f.name == "__init__" and call in ast.walk(f)
                   and _passes_message_on(f) for f in ast.walk(tree))


def _passes_message_on(init):
    first = init.args.args[1].arg if len(init.args.args) > 1 else None
    return any(isinstance(c, ast.Call) and _name(c.func) == "__init__" and c.args
               and isinstance(c.args[0], ast.Name) and c.args[0].id == first for c in ast.walk(init))


def _inside_error_class(tree, call, errors):
    return any(isinstance(node, ast.ClassDef) and node.name in errors and call in ast.walk(node)
               for node in ast.walk(tree))


def test_refusals_and_sentences_are_literal_templates():
    # Parsed in a child process: once a RecursionError happened in a process (a test of deep input),
    # CPython 3.11.7's ast may refuse every later parse ("AST constructor recursion depth mismatch").
    child = subprocess.run(
        [sys.executable, "-c", "import json; from tests.test_translations import unmarked_python as u; "
                               "r, o = u(); print(json.dumps([sorted(r), o]))"],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent, check=True)
    raised, offenders = json.loads(child.stdout.splitlines()[-1])
    raised = set(raised)
    assert not offenders, ("A refusal or a sentence whose template is not a literal string (an f-string or "
                           "a variable cannot be translated): use Invalid(\"{unit} is on hold.\", unit=...).\n"
                           + "\n".join(offenders))
    assert raised <= set(EXTRACT_KEYWORDS), \
        f"raised with a template, but not extracted: add to EXTRACT_KEYWORDS: {sorted(raised - set(EXTRACT_KEYWORDS))}"


# Words in templates that are no words to translate, each with why.
TEMPLATE_ALLOWED = {
    "Staging": "the product's name (in the title and the header's brand)",
    "GTIN": "a GS1 term, the same in every language",
    "SSCC": "a GS1 term, the same in every language",
    "LPN": "the code printed on pallets, the same in every language",
    "ZPL": "a printer language's name",
    "PDF": "a file format's name",
    "SVG": "a file format's name",
    "PNG": "a file format's name",
    "CSV": "a file format's name",
    "XLSX": "a file format's name",
    "API": "the interface's name",
    "dpi": "a unit",
    "ea": "a unit of measure as a plant types it (placeholder example)",
    "kg": "a unit of measure as a plant types it (placeholder example)",
    "m": "a unit of measure as a plant types it (placeholder example)",
}
CODE = re.compile(r"[A-Z0-9][A-Z0-9-]*")  # codes (OUT-1, WH, A-F, M1): examples of what a plant types, no words
UNREAD_TAGS = ("script", "style", "pre", "code")  # code, and samples of a file's format
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Words(HTMLParser):
    """Text and shown attributes with words, in HTML whose Jinja parts are a marker (\\x00)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in UNREAD_TAGS:
            self.skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self._check(value, f"{name}=")

    def handle_endtag(self, tag):
        if tag in UNREAD_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self._check(data, "")

    def _check(self, text, where):
        words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text.replace("\x00", " "))
                 if w not in TEMPLATE_ALLOWED and not CODE.fullmatch(w)]
        if words:
            self.found.append((self.getpos()[0], where + " ".join(text.replace("\x00", "…").split())[:80]))


def unmarked_in(source, env):
    """(line, text) of words outside _() and {% trans %} in a template."""
    out, line, in_trans, expect_name = [], 1, False, False
    for lineno, kind, value in env.lex(source):
        while line < lineno:
            out.append("\n")
            line += 1
        if kind == "data" and not in_trans:
            out.append(value)
            line += value.count("\n")
        elif kind in ("block_begin", "variable_begin"):
            out.append("\x00")
            expect_name = kind == "block_begin"
        elif kind == "name" and expect_name:
            in_trans = value == "trans" or (in_trans and value != "endtrans")
            expect_name = False
    parser = _Words()
    parser.feed("".join(out))
    parser.close()
    return parser.found


def unmarked_templates():
    env = Environment(extensions=["jinja2.ext.i18n"])
    found = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        lines = unmarked_in(path.read_text(), env)
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    return found


def test_the_scan_page_templates_have_no_unmarked_words():
    found = {path: lines for path, lines in unmarked_templates().items() if path.startswith("templates/scan/")}
    assert not found, _listing(found)


def test_no_template_has_unmarked_words():
    found = unmarked_templates()
    assert not found, _listing(found)


def _listing(found):
    return "Words outside _() or {% trans %}:\n" + "\n".join(
        f"{path}:{line}: {text}" for path, lines in found.items() for line, text in lines)


def test_the_template_check_finds_words_and_lets_marked_ones_pass():
    env = Environment(extensions=["jinja2.ext.i18n"])
    source = ('<h1>{{ _("Scan") }}</h1>\n<p title="Where it is">{% trans n=3 %}{{ n }} pallets{% endtrans %}</p>\n'
              '<input placeholder="{{ _(\'Scan…\') }}" aria-label="Quantity"> {{ unit.lpn }} · 12 crates\n'
              '<input placeholder="OUT-1"><pre>WO-1,released,kg</pre>'  # codes, file samples: no words
              '<script>var x = "not shown";</script><a href="/scan" class="tool">Back</a>')
    assert [line for line, _ in unmarked_in(source, env)] == [2, 3, 3, 4]


def test_the_python_check_finds_an_f_string_refusal():
    bad = ROOT / "staging" / "domain" / "_i18n_probe.py"
    source = 'from .errors import Invalid\n\n\ndef f(x):\n    raise Invalid(f"{x} is wrong.")\n'
    _, offenders = unmarked_python({bad: source})
    assert any(o.startswith("staging/domain/_i18n_probe.py:5") for o in offenders)


# --- c) the reader's language, on the screen -----------------------------------------------------------------

def test_a_german_operator_gets_the_scan_page_in_german(app, client, web_plant):
    web_plant.operator.language = "de"
    web_plant.operator.save()
    login(client, "operator1")
    html = client.get("/scan").get_data(as_text=True)
    assert '<html lang="de">' in html
    for german in ("Letzte Scans", "Umlagern", "Fertig", "Rückgängig", "Eine Palette scannen, dann ihr Ziel."):
        assert german in html, german
    script = json.loads(re.search(r'<script type="application/json" id="scan-words">(.*?)</script>', html).group(1))
    assert script["photoReading"] == "Foto wird gelesen…"  # the script's words, in German too
    assert script["back"] == {"one": "Verbindung wieder da: {count} wartender Scan gesendet",
                              "other": "Verbindung wieder da: {count} wartende Scans gesendet"}
    assert "Last scans" not in html


def test_a_refusal_and_a_quantity_are_said_in_the_readers_language(app, client, web_plant):
    web_plant.operator.language = "de"
    web_plant.operator.save()
    pallet = web_plant.receive(qty="2.5")
    login(client, "operator1")
    token = csrf_token(client, "/scan")
    html = client.post("/scan", data={"code": pallet.lpn, "csrf_token": token},
                       headers={"X-Scan-Client": "1"}).get_data(as_text=True)
    assert f"{pallet.lpn}: wohin?" in html and "RES-100 Rev. B · 2,5 kg · Charge L1" in html
    html = client.post("/scan", data={"code": "NOPE-42", "csrf_token": token},
                       headers={"X-Scan-Client": "1"}).get_data(as_text=True)
    assert "Unbekannter Barcode" in html
    page = client.get("/scan").get_data(as_text=True)
    assert "Unbekannter Barcode" in page  # kept in the session as words, said again on the reload


def test_a_german_badge_switches_an_english_handheld_to_german(page, live_server, web_plant):
    german = web_plant.users["operator"]
    codes.register(german, "B-4711")
    german.badge, german.language = "B-4711", "de"
    german.save()
    sign_in(page, live_server, "stager1")
    expect(page.locator("button.mode").first).to_have_text("Move")
    wedge(page, "B-4711")
    page.wait_for_url(live_server + "/scan")
    shows(page, "ok", "Angemeldet: operator1")
    expect(page.locator("button.mode").first).to_have_text("Umlagern")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # longer words, still no sideways scroll
    wedge(page, "NOPE-42")
    shows(page, "bad", "Unbekannter Barcode")


def test_a_polish_browser_gets_polish_pages_before_signing_in(browser, live_server, web_plant):
    context = browser.new_context(locale="pl-PL", viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto(live_server + "/login")
        expect(page.locator("html")).to_have_attribute("lang", "pl")
    finally:
        context.close()


def test_someone_chooses_their_own_language_and_a_bad_one_is_refused(page, live_server, web_plant):
    sign_in(page, live_server, "stager1", 1280, 800, then="/inventory")
    page.click("a.who-name")
    page.select_option("select[name=language]", "es")
    page.click("button:has-text('Save language')")
    expect(page.locator("p.alert.ok")).to_have_text("Su idioma está guardado.")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # A value no picker offers (a tampered form): refused on the page, in the reader's language.
    page.eval_on_selector("select[name=language] option[value=pl]", "o => o.value = 'xx'")
    page.select_option("select[name=language]", "xx")
    page.click("button:has-text('Guardar idioma')")
    expect(page.locator("p.alert.error")).to_contain_text("El idioma «xx» no es ninguno de: en, de, es, pl.")
    from staging.store.models import User
    assert User.get(User.username == "stager1").language == "es"


def test_an_admin_sets_a_persons_language_and_the_cli_and_import_take_one(app, client, runner, web_plant, tmp_path):
    login(client, "admin1")
    token = csrf_token(client, "/setup/people/operator1/edit")
    client.post("/setup/people/operator1/edit", data={"language": "pl", "csrf_token": token})
    from staging.store.models import User
    assert User.get(User.username == "operator1").language == "pl"
    refused = client.post("/setup/people/operator1/edit", data={"language": "klingon", "csrf_token": token})
    assert refused.status_code == 422 and "is not one of" in refused.get_data(as_text=True)
    assert User.get(User.username == "operator1").language == "pl"
    result = runner.invoke(args=["create-user", "jan", "--role", "operator", "--badge", "B-77", "--language", "pl"])
    assert result.exit_code == 0 and User.get(User.username == "jan").language == "pl"
    result = runner.invoke(args=["create-user", "ana", "--role", "operator", "--badge", "B-78", "--language", "xx"])
    assert result.exit_code != 0 and not User.select().where(User.username == "ana").exists()
    rows = tmp_path / "people.csv"
    rows.write_text("username,display_name,role,badge,language\nola,Ola,operator,B-80,pl\nbob,Bob,operator,B-81,fr\n")
    result = runner.invoke(args=["import", "users", str(rows)])
    assert result.exit_code == 1 and "people.csv:3: Language “fr” is not one of: en, de, es, pl." in result.output
    assert not User.select().where(User.username == "ola").exists()  # nothing written
    rows.write_text("username,display_name,role,badge,language\nola,Ola,operator,B-80,pl\n")
    assert runner.invoke(args=["import", "users", str(rows)]).exit_code == 0
    assert User.get(User.username == "ola").language == "pl"


# --- locale formats, labels -------------------------------------------------------------------------------------

def test_a_typed_quantity_takes_either_decimal_mark_and_is_refused_in_the_readers_language(app):
    from staging.web import i18n
    assert parse_quantity("2,5") == parse_quantity("2.5") == Decimal("2.5")
    with pytest.raises(Invalid) as refused:
        parse_quantity("zwei")
    assert refused.value.message == "Quantity must be a number, not “zwei”."
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert i18n.say(refused.value) == "Menge muss eine Zahl sein, nicht „zwei“."


def test_quantities_and_days_are_written_the_readers_way(app):
    from staging.web import i18n, plant
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert i18n.quantity(Decimal("1234.500")) == "1234,5"
        assert plant.day(datetime.date(2026, 3, 3), "%a %d %b") == "Di. 03 März"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert i18n.quantity(Decimal("1234.500")) == "1234.5"


def test_labels_carry_the_plants_language(app, client, web_plant):
    pallet = web_plant.receive(qty="2.5")
    german = labels.Settings(timezone="Europe/Berlin", language="de")
    label = labels.unit_labels([pallet.lpn], german)[0]
    label.mark_reprint()
    svg = labels.render([label], "svg", "4x6").decode()
    for caption in ("MENGE", "CHARGE", "FERTIGUNGSAUFTRAG", "DUPLIKAT", "2,5 kg"):
        assert caption in svg, caption
    english = labels.render(labels.unit_labels([pallet.lpn], labels.Settings()), "svg", "4x6").decode()
    assert "QUANTITY" in english and "MENGE" not in english
    zpl = labels.render([labels.location_label(web_plant.bin1).said_in("pl")], "zpl", "4x2").decode()
    assert "MAGAZYN" in zpl
    sheet = labels.render([labels.command_sheet(labels.Settings(language="es"))], "pdf", "a4")
    assert sheet.startswith(b"%PDF")
    app.config["PLANT_LOCALE"] = "de_DE"
    login(client, "stager1")
    assert "MENGE" in client.get(f"/labels/units/{pallet.lpn}.svg").get_data(as_text=True)


def test_the_catalog_check_reads_babel_cfg_like_make_messages(marked):
    # Python (Words), templates (_()) and the labels' layouts (labels/*.toml) are all extracted.
    assert {"Lot {lot}", "Scan a barcode", "Moved."} <= set(marked)


def test_a_polish_label_prints_its_letters_in_the_pdf(web_plant, tmp_path):
    # Helvetica, the PDF's own font, has no Ł: such text is written in an embedded Unicode font.
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing: `make test` installs poppler-utils")
    web_plant.scrap.name = "Złom i odpady"
    label = labels.location_label(web_plant.scrap).said_in("pl")
    (tmp_path / "label.pdf").write_bytes(labels.render([label], "pdf", "4x2"))
    text = subprocess.run([pdftotext, str(tmp_path / "label.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "ZŁOM" in text and "Złom i odpady" in text
