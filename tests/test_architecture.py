"""The layers hold (DESIGN.md, "Layout"): web -> domain/media -> store, arrows down only. The domain
and media know nothing of Flask, the store nothing of the domain, and no module grows past
MAX_LINES. Checked on the source with `ast`, so a module that is never imported is checked too.

Imports inside functions count like those at the top: a cycle hidden in a function is still a
cycle, and a Flask import there still ties the domain to Flask."""
import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("store", "domain", "media", "web")
FLASK = ("flask", "werkzeug")  # and any flask_* extension
# Password hashing: plain functions with no request or app in them; hashes already stored use its format.
ALLOWED_BELOW_WEB = ("werkzeug.security",)
MAX_LINES = 450
MAX_FUNCTION_LINES = 50
NOT_COUNTED = ("staging.store.migrations",)  # migrations are history: they stay as they were written


@dataclass(frozen=True)
class Import:
    source: str  # the importing file, relative to the root
    module: str  # the importing module's dotted name
    target: str  # the imported module's absolute dotted name
    line: int

    def __str__(self):
        return f"{self.source}:{self.line} imports {self.target}"


class Tree:
    """The modules of the `staging` package under `root`, and every import in them, resolved."""

    def __init__(self, root):
        self.root = Path(root)
        self.paths = {}
        for path in sorted((self.root / "staging").rglob("*.py")):
            parts = path.relative_to(self.root).with_suffix("").parts
            self.paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
        self.imports = [found for module in self.paths for found in self._imports_of(module)]

    def source(self, module):
        return self.paths[module].relative_to(self.root).as_posix()

    def _package_of(self, module):
        return module if self.paths[module].name == "__init__.py" else module.rpartition(".")[0]

    def _imports_of(self, module):
        tree = ast.parse(self.paths[module].read_text(encoding="utf-8"), str(self.paths[module]))
        for node in ast.walk(tree):  # every level: functions, methods, branches
            for target in self._targets(module, node):
                yield Import(self.source(module), module, target, node.lineno)

    def _targets(self, module, node):
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        if not isinstance(node, ast.ImportFrom):
            return []
        base = node.module or ""
        if node.level:
            package = self._package_of(module).split(".")
            anchor = ".".join(package[:len(package) - (node.level - 1)])
            base = f"{anchor}.{base}" if base else anchor
        # `from pkg import name`: the submodule pkg.name when there is one, else pkg itself.
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in self.paths else base for alias in node.names]
        return list(dict.fromkeys(targets))


def layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "staging" and parts[1] in LAYERS else None


def within(module, prefix):
    return module == prefix or module.startswith(prefix + ".")


def is_flask(module):
    top = module.split(".")[0]
    return (top in FLASK or top.startswith("flask_")) and module not in ALLOWED_BELOW_WEB


# --- the rules: each returns its offences, one line each --------------------------------------------

def flask_below_web(tree):
    return [f"{i}: the domain and media must not know Flask or the web layer" for i in tree.imports
            if layer(i.module) in ("domain", "media") and (is_flask(i.target) or within(i.target, "staging.web"))]


def store_imports_above(tree):
    return [f"{i}: the store must not import the layers above it" for i in tree.imports
            if layer(i.module) == "store" and layer(i.target) in ("domain", "media", "web")]


def domain_imports_media(tree):
    return [f"{i}: the domain must not import media (media may use the domain, not the other way)"
            for i in tree.imports if layer(i.module) == "domain" and layer(i.target) == "media"]


def cycles(edges):
    """The import cycles in a graph given as {(from, to): Import}: one per strongly connected
    component, as the imports that close it, shortest first."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    found = []
    for component in _components(graph):
        if len(component) > 1:
            start = min(component)
            found.append([edges[step] for step in _shortest_loop(graph, component, start)])
    return sorted(found, key=len)


def _components(graph):
    """Tarjan's strongly connected components."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            result.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def _shortest_loop(graph, component, start):
    """The edges of a shortest path from `start` back to itself inside `component` (breadth first)."""
    came_from, frontier = {}, [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & component):
                if nxt == start:
                    path, at = [(node, start)], node
                    while at != start:
                        path.append((came_from[at], at))
                        at = came_from[at]
                    return path[::-1]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no loop through {start} in {component}")


def _describe(kind, loops):
    return [f"{kind} import cycle: " + "; ".join(map(str, loop)) for loop in loops]


def layer_cycles(tree):
    edges = {}
    for i in tree.imports:
        a, b = layer(i.module), layer(i.target)
        if a and b and a != b:
            edges.setdefault((a, b), i)
    return _describe("layer", cycles(edges))


def domain_cycles(tree):
    edges = {}
    for i in tree.imports:
        if within(i.module, "staging.domain") and within(i.target, "staging.domain") and i.module != i.target \
                and i.target in tree.paths:
            edges.setdefault((i.module, i.target), i)
    return _describe("domain module", cycles(edges))


def oversized_modules(tree):
    problems = []
    for module, path in tree.paths.items():
        if any(within(module, skip) for skip in NOT_COUNTED):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            problems.append(f"{tree.source(module)} has {lines} lines, more than {MAX_LINES}: split it along its steps")
    return problems


def overlong_functions(tree):
    problems = []
    for module, path in tree.paths.items():
        if any(within(module, skip) for skip in NOT_COUNTED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    problems.append(f"{tree.source(module)}:{node.lineno} {node.name}() has {lines} lines, "
                                    f"more than {MAX_FUNCTION_LINES}: split it along its steps")
    return problems


# --- the rules on this code base ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def staging():
    return Tree(ROOT)


def test_the_checker_sees_the_real_imports(staging):
    # Guards against a checker that finds nothing (a moved root, a broken resolver) and so passes.
    assert any(layer(i.module) == "web" and layer(i.target) == "domain" for i in staging.imports)
    assert any(layer(i.module) == "domain" and layer(i.target) == "store" for i in staging.imports)


def test_the_domain_and_media_know_nothing_of_flask(staging):
    problems = flask_below_web(staging)
    assert not problems, "\n".join(problems)


def test_the_store_knows_nothing_of_the_layers_above(staging):
    problems = store_imports_above(staging)
    assert not problems, "\n".join(problems)


def test_the_domain_does_not_use_media(staging):
    problems = domain_imports_media(staging)
    assert not problems, "\n".join(problems)


def test_no_import_cycle_among_the_layers(staging):
    problems = layer_cycles(staging)
    assert not problems, "\n".join(problems)


def test_no_import_cycle_among_the_domain_modules(staging):
    problems = domain_cycles(staging)
    assert not problems, "\n".join(problems)


def test_no_module_is_too_long(staging):
    problems = oversized_modules(staging)
    assert not problems, "\n".join(problems)


def test_no_function_is_too_long(staging):
    problems = overlong_functions(staging)
    assert not problems, "\n".join(problems)


# --- each rule can fail: small made-up trees ----------------------------------------------------------

PACKAGES = {"staging/__init__.py": "", **{f"staging/{name}/__init__.py": "" for name in LAYERS}}

BROKEN = {
    "a domain module imports flask": (flask_below_web, {
        "staging/domain/users.py": "from flask import session\n"},
        "staging/domain/users.py:1 imports flask"),
    "a media module imports werkzeug inside a function": (flask_below_web, {
        "staging/media/labels.py": "def send():\n    from werkzeug.utils import secure_filename\n"},
        "staging/media/labels.py:2 imports werkzeug.utils"),
    "a domain module imports a flask extension": (flask_below_web, {
        "staging/domain/users.py": "import flask_wtf.csrf\n"},
        "staging/domain/users.py:1 imports flask_wtf.csrf"),
    "a domain module in a package imports the web layer relatively": (flask_below_web, {
        "staging/domain/inventory/__init__.py": "",
        "staging/domain/inventory/move.py": "from ...web import api\n",
        "staging/web/api.py": ""},
        "staging/domain/inventory/move.py:1 imports staging.web.api"),
    "the store imports the domain": (store_imports_above, {
        "staging/store/backup.py": "from ..domain.errors import Invalid\n",
        "staging/domain/errors.py": ""},
        "staging/store/backup.py:1 imports staging.domain.errors"),
    "the store imports media by absolute name": (store_imports_above, {
        "staging/store/models.py": "import staging.media.labels\n",
        "staging/media/labels.py": ""},
        "staging/store/models.py:1 imports staging.media.labels"),
    "the domain imports media": (domain_imports_media, {
        "staging/domain/workorders.py": "x = 1\nfrom staging.media import printing\n",
        "staging/media/printing.py": ""},
        "staging/domain/workorders.py:2 imports staging.media.printing"),
    "media and the web import each other": (layer_cycles, {
        "staging/media/labels.py": "def f():\n    from ..web import labels\n",
        "staging/web/labels.py": "from ..media import labels\n"},
        "staging/media/labels.py:2 imports staging.web.labels"),
    "two domain modules import each other, one inside a function": (domain_cycles, {
        "staging/domain/inventory.py": "from . import workorders\n",
        "staging/domain/workorders.py": "def coverage():\n    from .inventory import move\n"},
        "staging/domain/workorders.py:2 imports staging.domain.inventory"),
    "a cycle through a package's __init__ and a module of it": (domain_cycles, {
        "staging/domain/inventory/__init__.py": "from .verbs import move\n",
        "staging/domain/inventory/verbs.py": "from ..codes import resolve\n",
        "staging/domain/codes.py": "from staging.domain.inventory import Ctx\n"},
        "staging/domain/codes.py:1 imports staging.domain.inventory"),
    "a module over the limit": (oversized_modules, {
        "staging/domain/scanning.py": "x = 1\n" * (MAX_LINES + 1)},
        f"staging/domain/scanning.py has {MAX_LINES + 1} lines"),
    "a function over the limit": (overlong_functions, {
        "staging/web/api.py": "def view():\n" + "    x = 1\n" * MAX_FUNCTION_LINES},
        f"staging/web/api.py:1 view() has {MAX_FUNCTION_LINES + 1} lines"),
}


@pytest.mark.parametrize("rule, files, expected", BROKEN.values(), ids=BROKEN.keys())
def test_each_rule_reports_what_breaks_it(tmp_path, rule, files, expected):
    for name, text in {**PACKAGES, **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    problems = rule(Tree(tmp_path))
    assert any(expected in problem for problem in problems), problems


ALLOWED = {
    "the web uses domain, media and store; media the domain; the domain the store": {
        "staging/web/api.py": "from flask import Blueprint\nfrom ..domain import inventory\n"
                              "from ..media import labels\n",
        "staging/media/labels.py": "from staging.domain import inventory\nfrom ..store.db import db\n",
        "staging/domain/inventory.py": "from ..store import db\nfrom . import codes\n",
        "staging/domain/codes.py": "from ..store.models import Barcode\n",
        "staging/store/db.py": "import peewee\n", "staging/store/models.py": "from .db import db\n"},
    "modules of one domain package import each other's package, not in a loop": {
        "staging/domain/inventory/__init__.py": "from .verbs import move\nfrom .ctx import Ctx\n",
        "staging/domain/inventory/verbs.py": "from .ctx import Ctx\nfrom .. import codes\n",
        "staging/domain/inventory/ctx.py": "import datetime\n", "staging/domain/codes.py": ""},
    "migrations may be long": {
        "staging/store/migrations/0001_initial.py": "x = 1\n" * (MAX_LINES + 1)},
}
RULES = (flask_below_web, store_imports_above, domain_imports_media, layer_cycles, domain_cycles, oversized_modules,
         overlong_functions)


@pytest.mark.parametrize("files", ALLOWED.values(), ids=ALLOWED.keys())
def test_the_rules_allow_the_arrows_that_point_down(tmp_path, files):
    for name, text in {**PACKAGES, **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    tree = Tree(tmp_path)
    assert [problem for rule in RULES for problem in rule(tree)] == []
