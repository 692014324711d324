"""The WSGI entry: `gunicorn app:app`, `flask --app app ...`."""
import gc

from staging import create_app

app = create_app()
# What starting made (modules, the app, its routes and templates' machinery) lives as long as the
# process: left to the collector, each full collection walks all of it and stops every request in
# the worker for tens of milliseconds (about one per thousand API moves: the moves' slowest 1%).
gc.freeze()
