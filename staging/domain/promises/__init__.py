"""The promises the data makes, each a module of this package that says it in `PROMISE` (one
sentence) and checks it in `broken() -> list[str]`: one line per broken row, naming the rows
("unit P000012: stock 40 kg, ledger 50 kg"), empty when the promise holds.

A new table comes with its promise: add a module here, nothing else (the modules are found by
pkgutil). `flask --app app check` runs them all; so does the stateful test after every step."""
import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Promise:
    name: str  # the module's name: stock_ledger, genealogy ...
    text: str  # what it promises, in one sentence
    broken: object  # () -> list[str]


def promises():
    """Every promise of the package, in the order of their names."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append(Promise(info.name, module.PROMISE, module.broken))
    return found


def broken():
    """Every broken promise: [(promise name, problem)], empty when the data keeps all of them."""
    return [(promise.name, problem) for promise in promises() for problem in promise.broken()]
