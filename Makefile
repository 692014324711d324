# Two commands do everything on a fresh Debian/Ubuntu machine:
#   make run    install what is missing, migrate, seed a demo plant, serve on $(HOST):$(PORT)
#               (HTTPS with CERT=server.pem KEY=server.key: see `flask --app app make-certs`)
#   make test   the same installation, then the whole test suite
HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint setup system system-test venv vendor translations messages bench bench-quick check clean

run: setup
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py app:app

# One test process per core (TEST_WORKERS=1: one process, in file order); each has its own Chromium.
TEST_WORKERS ?= auto
test: setup system-test lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# ruff (pinned; settings in pyproject.toml): imports, unused names, complexity, likely bugs.
lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python -m bench

bench-quick: setup
	$(BIN)/python -m bench --quick

check: setup
	$(BIN)/flask --app app check

setup: system venv vendor translations

# System libraries: zbar for pyzbar at run time. apt only when something is missing.
system:
	@scripts/need-apt.sh libzbar0

# For the tests: Chromium (browser tests) and poppler-utils (pdftoppm renders PDFs to images).
system-test:
	@scripts/need-apt.sh chromium poppler-utils

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

# htmx comes from the npm registry (pinned in package.json / package-lock.json), never a CDN;
# so does axe-core, which the accessibility tests read from node_modules (never served, never copied).
vendor: static/vendor/htmx.min.js

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || scripts/need-apt.sh npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/htmx.min.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# The catalogs (staging/translations/*/LC_MESSAGES/messages.po) compiled for the app; .mo not committed.
translations: venv
	$(BIN)/pybabel --quiet compile -d staging/translations

# After marking new strings: extract them (babel.cfg; labels' captions need the repo on the path) and
# bring every catalog in step; then write the new msgstrs (tests/test_translations.py says which).
# The keywords are read first, on their own: an app that fails to import must stop here, not extract
# without them and empty every catalog.
messages: venv
	keywords=$$($(BIN)/python -c "from staging.web.i18n import EXTRACT_KEYWORDS as k; print(' '.join('-k ' + w for w in k))") \
	  && PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg --no-wrap --sort-output --omit-header --no-location \
	  $$keywords -o staging/translations/messages.pot .
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching --ignore-obsolete -i staging/translations/messages.pot -d staging/translations
	rm -f staging/translations/messages.pot

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
