"""First start of a plant: migrate, create the first admin, seed the demo plant. Idempotent."""
import secrets

from . import demo
from .domain import events
from .domain.inventory.ledger import settle_restored_rows
from .domain.logbook import Calendar
from .domain.people.users import create_user
from .domain.tasks import Rules
from .store.db import db, migrate
from .store.models import User


def prepare(config, echo=print):
    """`config`: the app's settings (SEED_DEMO, and the shifts the demo's logbook follows)."""
    applied = migrate()
    for name in applied:
        echo(f"Migrated: {name}")
    with db.connection_context():
        settled = settle_restored_rows()  # a PostgreSQL restore from another server: feed them first
        if settled:
            echo(f"Ledger: {settled} restored row(s) put at the head of the feed.")
        settled = events.settle_restored_rows()
        if settled:
            echo(f"Events: {settled} restored event(s) put at the head of the feed.")
        if not User.select().where(User.role == "admin").exists():
            password = secrets.token_urlsafe(12)
            create_user("admin", "admin", password, display_name="Administrator")
            echo("=" * 64)
            echo(f"  First start: sign in as  admin  with password  {password}")
            echo("  (shown once; change it with: flask --app app set-password admin)")
            echo("=" * 64)
        if config["SEED_DEMO"] and not demo_present():
            demo.seed(calendar=Calendar.from_config(config), rules=Rules.from_config(config))
            echo("Seeded the demo plant (turn off with SEED_DEMO=0). Its people sign in by badge:")
            for user in User.select().where(User.badge.is_null(False)).order_by(User.id):
                echo(f"  {user.username} ({user.role}): badge {user.badge}")


def demo_present():
    from .store.models import Location
    return Location.select().exists()
