"""The guard for the whole class of "works in the test client, broken in the browser": per role, in
one shared Chromium, sign in, reach every page by clicking (the header, then each page's own links,
breadth first), and submit every form once empty and once with bad input.

It fails on: a 5xx, a console error or uncaught script error, a page without a stylesheet its HTML
links (hx-boost swaps the body, not the head), a 4xx refusal with nothing on the screen saying so,
a fragment shown as a whole page (no header, or a page inside a page), and a boosted link to a
file (htmx would swap the file into the page instead of downloading it). A new page or form is
covered as soon as a link or the page leads to it; nothing to add here.

Bounded: one page per URL shape (segments with a digit or a capital first are ids: /units/P1 and /units/P2 are one),
at most MAX_PAGES per role; forms once per (action shape, button)."""
import datetime
import re
from urllib.parse import urlsplit

import pytest

from staging.domain import inventory, logbook
from staging.web.plant import calendar

pytestmark = pytest.mark.browser

MAX_PAGES = 40
FILES = re.compile(r"\.(csv|xlsx|pdf|zpl|png|svg|json)$")
# Forms the crawler leaves alone: signing out ends the crawl; the scan page's forms are driven by
# scan.js and have their own wedge tests (tests/test_scan_browser.py).
FORMS = "main form, header form.search"
SKIP_FORMS = "form.who, form[hx-boost=false], #scan form, form.scan-action"
REFUSAL = ".alert.error, .field-error, [role=alert], tr.row-bad"
SAID = REFUSAL + ", .alert, [role=status]"
BAD_TEXT = "NOPE-9 <b>“x”</b>"
BAD_NUMBER = "-1,5x"
STYLESHEETS_JS = """() => [...document.styleSheets].filter(s => s.href).map(s => {
    let rules = 0; try { rules = s.cssRules.length } catch (e) {} return [new URL(s.href).pathname, rules] })"""
OPEN_DETAILS_JS = "a => { for (let d = a.closest('details'); d; d = d.parentElement.closest('details')) d.open = true }"
SETTLED_JS = "() => document.readyState === 'complete' && !document.querySelector('.htmx-request')"


@pytest.fixture
def plant(web_plant, app):
    return furnish(web_plant, app)


def furnish(plant, app):
    """Something on every page: a staged and a loaded pallet with consumption, a safety note."""
    staged = plant.receive(qty="40", lot="LOT-9")
    inventory.stage(plant.ctx("stager"), staged.lpn, "LANE-1", "WO-1")
    loaded = plant.receive(qty="30")
    inventory.move(plant.ctx(), loaded.lpn, "M1")
    inventory.consume(plant.ctx(), loaded.lpn, "5", "WO-1")
    with app.app_context():
        cal = calendar()
    day, shift = cal.at(datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None))
    logbook.add_note(plant.operator, plant.machine, day, shift.name, "safety", "Oil on the floor", cal)
    return plant


def shape(url):
    """The route a URL belongs to: ids (segments with a digit or a capital first: codes,
    shift names) and the query do not count."""
    path = urlsplit(url).path
    return "/".join("#" if re.search(r"\d|^[A-Z]", seg) else seg for seg in path.split("/"))


class Crawl:
    def __init__(self, page, base, role):
        self.page, self.base, self.role = page, base, role
        self.problems = []
        self.responses = []
        page.on("console", self._console)
        page.on("pageerror", lambda err: self.fail(f"script error: {err}"))
        page.on("response", self._response)
        self.where = ""

    def fail(self, what):
        self.problems.append(f"{self.role} · {self.where}: {what}")

    def _console(self, msg):
        # A refusal travels as a 4xx that htmx swaps; Chromium logs every 4xx fetch as an error. Whether
        # that refusal is visible is checked separately.
        if msg.type == "error" and not re.search(r"status of 4\d\d", msg.text):
            self.fail(f"console error: {msg.text}")

    def _response(self, response):
        self.responses.append(response)
        if response.status >= 500:
            self.fail(f"{response.status} from {response.request.method} {response.url}")

    # --- pages ---------------------------------------------------------------------------------------

    def settle(self):
        self.page.wait_for_function(SETTLED_JS)
        self.page.wait_for_timeout(60)  # a swapped page's own hx-trigger="load" requests start
        self.page.wait_for_function(SETTLED_JS)

    def sign_in(self):
        page = self.page
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(self.base + "/login?next=/inventory")  # operators would land on Scan
        page.fill("input[name=username]", f"{self.role}1")
        page.fill("input[name=password]", "password-123")
        page.press("input[name=password]", "Enter")
        page.wait_for_url(self.base + "/inventory")
        self.settle()

    def links(self):
        hrefs = self.page.eval_on_selector_all(
            "a[href]:not([download]):not([target]):not([hx-boost=false])", "els => els.map(a => a.href)")
        return [h for h in hrefs if h.startswith(self.base) and "#" not in h and not FILES.search(urlsplit(h).path)]

    def check_file_links(self):
        """A link to a file must not be boosted: htmx would swap the file's bytes into the page."""
        boosted = self.page.eval_on_selector_all("a[href]", """els => els.filter(a =>
            (a.hasAttribute('download') || /[.](csv|xlsx|pdf|zpl|png|svg|json)([?]|$)/.test(a.getAttribute('href')))
            && (a.closest('[hx-boost]') || {getAttribute: () => 'false'}).getAttribute('hx-boost') !== 'false'
        ).map(a => a.getAttribute('href'))""")
        for href in boosted:
            self.fail(f"file link {href} is boosted: a click would swap the file into the page")

    def expected_stylesheets(self, url):
        """The stylesheets the page's HTML links (head and body), or None when it is not a page."""
        response = self.page.request.get(url)
        if "text/html" not in response.headers.get("content-type", ""):
            return None
        return set(re.findall(r'<link rel="stylesheet" href="([^"?]+)', response.text()))

    def click_to(self, parent, href):
        """From the page that links it, click the link the way a person does."""
        page = self.page
        page.goto(parent)
        self.settle()
        link = page.locator(f'a[href="{href[len(self.base):]}"], a[href="{href}"]').first
        if not link.count():
            return False
        link.evaluate(OPEN_DETAILS_JS)
        self.settle()  # opening a <details> may load its contents in place of the link (the location tree)
        if not link.count():
            return False
        link.click()
        self.settle()
        return True

    def check_page(self, expected=()):
        page = self.page
        if page.locator("header.top").count() != 1 or page.locator("main").count() != 1:
            self.fail("not one whole page (a fragment shown as the page, or a page inside a page)")
        loaded = dict(page.evaluate(STYLESHEETS_JS))
        for sheet in ["/static/css/app.css", *expected]:
            if not loaded.get(sheet):
                try:  # a stylesheet in the swapped body may still be arriving
                    page.wait_for_function(
                        f"() => [...document.styleSheets].some(s => s.href && s.href.endsWith('{sheet}'))",
                        timeout=2000)
                except Exception:
                    self.fail(f"stylesheet {sheet} missing")

    # --- forms ---------------------------------------------------------------------------------------

    def forms(self):
        return self.page.eval_on_selector_all(
            FORMS, f"""(forms) => forms.filter(f => !f.matches('{SKIP_FORMS}')).map(f => [
                f.getAttribute('action') || location.pathname,
                (f.querySelector('button[type=submit], button:not([type])') || {{textContent: ''}})
                    .textContent.trim()])""")

    def submit(self, url, action, button, bad):
        page = self.page
        page.goto(url)
        self.settle()
        self.where = f"{shape(url)} form {action} “{button}” {'bad input' if bad else 'empty'}"
        form = None
        for candidate in page.locator(FORMS).all():
            if candidate.evaluate(f"f => !f.matches('{SKIP_FORMS}') "
                                  f"&& (f.getAttribute('action') || location.pathname) === {action!r}"):
                form = candidate
                break
        if form is None:
            return  # the first submission changed the page (a log submitted and locked)
        # The server's own refusal is what is tested: the browser's `required` would stop it first.
        form.evaluate(f"""(f, bad) => {{ f.noValidate = true;
            for (const el of f.querySelectorAll('input, textarea')) {{
                if (['hidden', 'radio', 'checkbox', 'submit', 'file'].includes(el.type)) continue;
                const numeric = el.inputMode === 'decimal' || el.inputMode === 'numeric' || el.type === 'number';
                el.value = !bad || ['date', 'datetime-local', 'time'].includes(el.type) ? ''
                    : numeric ? {BAD_NUMBER!r} : {BAD_TEXT!r};
            }} }}""", bad)
        for file_input in form.locator("input[type=file]").all():
            if bad:
                file_input.set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv",
                                                   "buffer": b"not,a\x00,real\nexport"}])
        start = len(self.responses)
        submit = form.locator("button[type=submit], button:not([type])").first
        if submit.count() and not submit.is_enabled():
            return  # not for this role: nobody can send it
        if submit.count():
            submit.click()
        else:  # a one-field form (the header search): Enter, as a person does
            form.locator("input:not([type=hidden])").first.press("Enter")
        self.settle()
        answers = [r for r in self.responses[start:] if urlsplit(r.url).path == urlsplit(action).path
                   and r.request.resource_type in ("document", "xhr", "fetch")]
        status = answers[0].status if answers else None
        if status and 400 <= status < 500 and not page.locator(REFUSAL).first.is_visible():
            self.fail(f"refused with {status} and nothing on the screen says so")
        self.check_page()

    # --- the crawl -----------------------------------------------------------------------------------

    def run(self):
        self.sign_in()
        start = self.page.url
        seen = {shape(start)}
        queue = [(start, None)]
        done_forms = set()
        while queue:
            url, parent = queue.pop(0)
            self.where = shape(url)
            expected = self.expected_stylesheets(url)
            if expected is None:
                continue
            if parent and not self.click_to(parent, url):
                continue
            self.where = f"{shape(url)} (clicked from {shape(parent) if parent else 'sign-in'})"
            self.check_page(expected)
            self.check_file_links()
            here = self.page.url
            for href in self.links():
                if shape(href) not in seen and len(seen) < MAX_PAGES:
                    seen.add(shape(href))
                    queue.append((href, here))
            for action, button in self.forms():
                key = (shape(action), button)
                if key not in done_forms:
                    done_forms.add(key)
                    for bad in (False, True):
                        self.submit(here, action, button, bad)
        return seen


@pytest.mark.parametrize("role", ["operator", "stager", "lead", "admin"])
def test_every_page_and_form_works_in_the_browser(page, live_server, plant, role):
    crawl = Crawl(page, live_server, role)
    seen = crawl.run()
    assert len(seen) >= 8, f"the crawl reached only {sorted(seen)}"
    assert not crawl.problems, "\n".join(crawl.problems)
