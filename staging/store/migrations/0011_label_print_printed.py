"""label_print.printed: a file or print page made is not a print (issue 13). Only a label sent to a
printer, or one whose PDF or page someone confirmed as printed, makes the next one say REPRINT.
Rows from before were written for every file made; only those sent to a printer were prints."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("label_print", "printed", BooleanField(default=False)))
    db.execute_sql(f"UPDATE label_print SET printed = {db.param} WHERE output = {db.param}", (True, "printer"))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("label_print", "printed"))
