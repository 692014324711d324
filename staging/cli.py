"""`flask --app app ...` commands: the same domain functions as the pages and the API."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .domain.errors import DomainError


def init_app(app):
    for command in (init_db, check, create_user, create_token, revoke_tokens, set_password,
                    backup, restore, make_certs):
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
def check():
    """Replay the ledger against current stock and the work orders' consumed and wasted totals;
    exit 1 on any difference."""
    from .domain.inventory.ledger import verify
    from .domain.workorders import verify_totals
    problems = verify() + verify_totals()
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} problem(s): current state disagrees with the ledger.", err=True)
        sys.exit(1)
    click.echo("Ledger, current stock and work-order totals agree.")


@click.command("create-user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["operator", "stager", "lead", "admin"]))
@click.option("--password", default=None, help="At least 8 characters; omit for badge-only users.")
@click.option("--badge", default=None, help="Badge code for badge sign-in.")
@click.option("--display-name", default="")
def create_user(name, role, password, badge, display_name):
    """Create a user."""
    from .domain.users import create_user as create
    try:
        user = create(name, role, password, badge=badge, display_name=display_name)
    except DomainError as err:
        _fail(err)
    click.echo(f"Created {user.role} {user.username}.")


@click.command("create-token")
@click.option("--user", "username", required=True)
@click.option("--name", default="", help="What the token is for.")
def create_token(username, name):
    """Print a new API token for a user (shown once, stored hashed), alone on the last line."""
    from .domain.users import create_token as create
    try:
        token = create(username, name)
    except DomainError as err:
        _fail(err)
    click.echo(token)


@click.command("revoke-tokens")
@click.option("--user", "username", required=True)
def revoke_tokens(username):
    """Revoke every API token of a user."""
    from .domain.users import revoke_tokens as revoke
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
    from .domain.users import set_password as set_pw
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
        paths = certs.make(directory, list(hosts), current_app.config["PLANT_NAME"])
    except ValueError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
    click.echo(f"CA certificate, for the handhelds: {paths[certs.CA_CERT]}")
    click.echo(f"CA key, keep it safe and offline: {paths[certs.CA_KEY]}")
    click.echo(f"Serve with: make run HOST=0.0.0.0 PORT=8443 CERT={paths[certs.SERVER_CERT]} "
               f"KEY={paths[certs.SERVER_KEY]}")
