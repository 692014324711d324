"""`flask --app app ...` commands: the same domain functions as the pages and the API.

The CLI speaks English on purpose: the people who run it are the server's operators, not the floor.
A domain refusal is printed as `err.message` (its English sentence), never through the catalogs."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .domain.errors import DomainError


def init_app(app):
    for command in (init_db, check, create_user, create_token, revoke_tokens, set_password,
                    backup, restore, make_certs, import_file, create_screen):
        app.cli.add_command(command)


def _fail(err):
    click.echo(f"Error: {err.message}", err=True)
    sys.exit(1)


@click.command("init-db")
@with_appcontext
def init_db():
    """Migrate the database; on first start create the admin and (unless SEED_DEMO=0) the demo plant."""
    from .first_start import prepare
    prepare(current_app.config, echo=click.echo)


@click.command("check")
@with_appcontext
def check():
    """Check every promise the data makes (staging/domain/promises: stock = ledger, work-order
    totals, genealogy, closed orders, tasks, own output, barcodes); exit 1 naming the rows that
    break one. The tasks are brought up to date first, as every page that shows them does."""
    from .domain import promises, tasks
    tasks.sync(tasks.Rules.from_config(current_app.config))
    checked = promises.promises()
    problems = [(p.name, problem) for p in checked for problem in p.broken()]
    for name, problem in problems:
        click.echo(f"{name}: {problem}")
    if problems:
        names = sorted({name for name, _ in problems})
        click.echo(f"{len(problems)} problem(s): the data breaks {len(names)} promise(s) ({', '.join(names)}).",
                   err=True)
        sys.exit(1)
    for promise in checked:
        click.echo(f"ok  {promise.name}: {promise.text}")
    click.echo(f"All {len(checked)} promises hold: the data agrees with its ledger.")


@click.command("create-user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["operator", "stager", "lead", "admin"]))
@click.option("--password", default=None, help="At least 8 characters; omit for badge-only users.")
@click.option("--badge", default=None, help="Badge code for badge sign-in.")
@click.option("--display-name", default="")
@click.option("--language", default="", help="en, de, es or pl; omit to follow the browser.")
def create_user(name, role, password, badge, display_name, language):
    """Create a user."""
    from .domain.people.users import create_user as create
    try:
        user = create(name, role, password, badge=badge, display_name=display_name, language=language)
    except DomainError as err:
        _fail(err)
    click.echo(f"Created {user.role} {user.username}.")


@click.command("create-token")
@click.option("--user", "username", required=True)
@click.option("--name", default="", help="What the token is for.")
def create_token(username, name):
    """Print a new API token for a user (shown once, stored hashed), alone on the last line."""
    from .domain.people.users import create_token as create
    try:
        token = create(username, name)
    except DomainError as err:
        _fail(err)
    click.echo(token)


@click.command("create-screen")
@click.argument("name")
@click.option("--base-url", default="", help="The address the TVs reach the server at (default: SERVER_NAME, "
              "else http://127.0.0.1:8000).")
@with_appcontext
def create_screen(name, base_url):
    """Make a wall screen and print its link (/wall/<token>), alone, on the last line: open it on the TV."""
    from .domain import screens
    try:
        _, token = screens.create(name)
    except DomainError as err:
        _fail(err)
    base = (base_url or (f"http://{current_app.config['SERVER_NAME']}" if current_app.config.get("SERVER_NAME")
                         else "http://127.0.0.1:8000")).rstrip("/")
    click.echo(f"Wall screen {name}: open this link on the screen (it needs no sign-in; revoke it under "
               "Setup > Wall screens).")
    click.echo(f"{base}/wall/{token}")


@click.command("revoke-tokens")
@click.option("--user", "username", required=True)
def revoke_tokens(username):
    """Revoke every API token of a user."""
    from .domain.people.users import revoke_tokens as revoke
    try:
        count = revoke(username)
    except DomainError as err:
        _fail(err)
    click.echo(f"Revoked {count} token(s).")


@click.command("set-password")
@click.argument("name")
@click.password_option()
def set_password(name, password):
    """Set a user's password."""
    from .domain.people.users import set_password as set_pw
    from .store.models import User
    user = User.get_or_none(User.username == name)
    if user is None:
        click.echo(f"Error: no user {name}.", err=True)
        sys.exit(1)
    try:
        set_pw(user, password)
    except DomainError as err:
        _fail(err)
    click.echo(f"Password set for {name}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup(path):
    """Copy the live SQLite database to PATH while the app keeps running."""
    from .store.backup import BackupError
    from .store.backup import backup as take
    try:
        take(path)
    except BackupError as err:
        _fail(err)
    click.echo(f"Backed up to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(path, yes):
    """Replace the database with the backup at PATH (stop the app first), then check the ledger."""
    from .domain.inventory.ledger import verify
    from .store.backup import BackupError
    from .store.backup import restore as put_back
    if not yes:
        click.confirm("This replaces every row of the current database. Go on?", abort=True)
    try:
        put_back(path)
    except BackupError as err:
        _fail(err)
    problems = verify()
    click.echo(f"Restored from {path}; " + ("the ledger agrees with stock." if not problems
                                           else f"{len(problems)} ledger problem(s): run check."))
    if problems:
        sys.exit(1)


@click.command("make-certs")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--host", "hosts", multiple=True, required=True,
              help="A name or IP address the handhelds use for this server (repeat for several).")
@with_appcontext
def make_certs(directory, hosts):
    """A plant CA (kept if DIRECTORY has one) and a server certificate for --host, for HTTPS:
    `make run CERT=DIRECTORY/server.pem KEY=DIRECTORY/server.key`. Device management installs
    DIRECTORY/plant-ca.pem on the handhelds."""
    from . import certs
    try:
        paths = certs.make(directory, list(hosts), current_app.config["PLANT_NAME"] or "Plant")
    except ValueError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
    click.echo(f"CA certificate, for the handhelds: {paths[certs.CA_CERT]}")
    click.echo(f"CA key, keep it safe and offline: {paths[certs.CA_KEY]}")
    click.echo(f"Serve with: make run HOST=0.0.0.0 PORT=8443 CERT={paths[certs.SERVER_CERT]} "
               f"KEY={paths[certs.SERVER_KEY]}")
@click.command("import")
@click.argument("kind", type=click.Choice(["locations", "parts", "users", "stock", "work-orders"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would happen; write nothing.")
@click.option("--user", "username", default=None, help="Who imports (recorded as the changer); default: an admin.")
@click.option("--go-live", default="", help="stock: the go-live date the opening balance is booked at "
              "(plant time, YYYY-MM-DD[ HH:MM]); default: now.")
@click.option("--labels", "labels_path", default=None, type=click.Path(dir_okay=False),
              help="stock: write the new pallets' labels to this PDF (or .zpl) file.")
@click.option("--again", is_flag=True, help="stock: book rows an earlier import of this file booked once more "
              "(a second delivery of the same sheet); without it they are reported as already imported.")
@click.option("--create-parts", is_flag=True, help="work-orders: create the parts the file names that do not "
              "exist (without it, such a file is refused: a typo is not a new part).")
@with_appcontext
def import_file(kind, path, dry_run, username, go_live, labels_path, again, create_parts):
    """Import locations, parts, users, opening stock or work orders (the ERP's export) from a CSV or
    XLSX file. Exit 0: imported (or, with --dry-run, all rows good); 1: one line per bad row, and
    nothing written. Numbers are read as the file writes them, else in the user's or plant's locale."""
    from zoneinfo import ZoneInfo

    from .domain.setup import imports
    from .domain.setup.stock import go_live_at
    from .web.settings import refresh
    refresh(current_app)  # the settings stored on the settings page: time zone, plant name, GS1 prefix
    try:
        user = _acting_user(username)
        at = go_live_at(go_live, ZoneInfo(current_app.config["PLANT_TIMEZONE"]))
    except DomainError as err:
        _fail(err)
    locale = user.language or current_app.config["PLANT_LOCALE"]
    with open(path, "rb") as fh:
        data = fh.read()
    if kind == "work-orders":
        _import_work_orders(user, path, data, dry_run, create_parts, locale)
        return
    report = imports.run(user, kind, data, path, dry_run=dry_run, go_live=at, again=again, locale=locale)
    if report.problem:
        click.echo(f"{path}: {report.problem} Nothing was imported.", err=True)
        sys.exit(1)
    for row in report.bad:
        click.echo(f"{path}:{row.number}: {row.error}", err=True)
    counts = ", ".join(f"{report.count(a)} {a.replace('_', ' ')}" for a in ("created", "updated", "unchanged")
                       + (("already_imported",) if report.count("already_imported") else ()))
    if report.bad or not report.rows:
        click.echo(f"{len(report.bad)} of {len(report.rows)} row(s) refused: nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{'Would import' if dry_run else 'Imported'} {len(report.rows)} {kind} row(s): {counts}.")
    if labels_path and kind == "stock" and not dry_run:
        _write_labels(user, [r.code for r in report.rows if r.action == "created"], labels_path)


def _import_work_orders(user, path, data, dry_run, create_parts, locale):
    """The ERP import as on its page: the plant's remembered column mapping, all rows or none."""
    from zoneinfo import ZoneInfo

    from .domain import workorders
    zone = ZoneInfo(current_app.config["PLANT_TIMEZONE"])
    preview = workorders.preview(data, zone, None, locale)
    if preview.problem:
        click.echo(f"{path}: {preview.problem} Nothing was imported.", err=True)
        sys.exit(1)
    for row in preview.bad_rows:
        click.echo(f"{path}:{row.number}: {' '.join(str(why) for why in row.errors)}", err=True)
    if preview.bad_rows:
        click.echo(f"{len(preview.bad_rows)} of {len(preview.rows)} row(s) refused: nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"Would import {len(preview.drafts)} work order(s) from {len(preview.rows)} row(s).")
        return
    try:
        written = workorders.import_csv(user, data, zone, create_parts=create_parts, locale=locale)
    except DomainError as err:
        _fail(err)
    click.echo(f"Imported {len(written)} work order(s): {', '.join(wo.number for wo in written)}.")


def _acting_user(username):
    from .domain.errors import NotFound
    from .store.models import User
    query = User.select().where(User.active)
    user = (query.where(User.username == username) if username else
            query.where(User.role == "admin").order_by(User.id)).first()
    if user is None:
        raise NotFound("No active user {user}.", user=username) if username else NotFound(
            "There is no admin: run init-db first.")
    return user


def _write_labels(user, lpns, path):
    """The new pallets' labels as one file: the label batch of exactly those pallets."""
    from .media import labels, printing
    if not lpns:
        click.echo("No new pallets: no labels to make.")
        return
    fmt = "zpl" if path.lower().endswith(".zpl") else "pdf"
    batch = labels.unit_labels(lpns, labels.Settings.from_config(current_app.config))
    with open(path, "wb") as fh:
        fh.write(printing.download(user, batch, fmt, labels.DEFAULT_SIZE["unit"]))
    click.echo(f"Labels for {len(lpns)} pallet(s): {path}")
