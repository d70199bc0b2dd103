"""The shape of app/: layers whose imports point down, no import cycles, small modules.

Every import in app/ is read with `ast`, at module level and inside functions alike. A package
added later takes its place in LAYERS; a module not named there fails the test until it does.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
CORE, ACCOUNTS, NOTICES, DOMAINS, INSPECTION, API, FACTORY = range(7)
LAYER_NAMES = ("core", "accounts", "notices", "search/feedback", "inspection", "api", "factory")

# Package (or top-level module) of app/ → its layer. Above the core, two packages of one layer import
# neither each other (search and feedback); core modules may use one another.
LAYERS = {
    # core: used by every domain, uses none
    "app.clock": CORE,
    "app.workdays": CORE,
    "app.phones": CORE,
    "app.sanitize": CORE,
    "app.security": CORE,
    "app.database": CORE,
    "app.effects": CORE,
    "app.extensions": CORE,
    "app.types": CORE,
    "app.urls": CORE,
    "app.glossary": CORE,
    "app.dates": CORE,
    "app.i18n": CORE,
    "app.errors": CORE,
    "app.ledger": CORE,
    "app.redaction": CORE,
    "app.outbox": CORE,
    "app.resilience": CORE,
    "app.strict_input": CORE,
    # the domains, bottom up
    "app.accounts": ACCOUNTS,
    "app.notices": NOTICES,
    "app.search": DOMAINS,
    "app.feedback": DOMAINS,
    "app.consultations": DOMAINS,
    "app.inspection": INSPECTION,
    "app.workspaces": INSPECTION,
    "app.api": API,
    "app.opendata": API,
    "app.open311": API,
    # the factory and what registers or seeds everything
    "app": FACTORY,
    "app.templating": FACTORY,
    "app.seeding": FACTORY,
    "app.tasks": FACTORY,
    "app.backups": FACTORY,
}
MAX_LINES = 400
# Modules that hold data only (word lists, demo texts): long by nature, no logic to split.
DATA_MODULES = frozenset()


def module_name(path):
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(APP.rglob("*.py"))}


def imported_modules(name, path):
    """Every app module `name` imports, anywhere in its body (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from app.x import y` imports app.x.y when y is a module, else a name of app.x itself.
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
            targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
        else:
            continue
        found.update(target for target in targets if target == "app" or target.startswith("app."))
    found.discard(name)
    return found


IMPORTS = {name: imported_modules(name, path) for name, path in MODULES.items()}


def owner(module):
    """The LAYERS entry a module belongs to (its longest listed prefix)."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        candidate = ".".join(parts[:length])
        if candidate in LAYERS:
            return candidate
    return None


def test_every_module_has_a_layer():
    assert [name for name in MODULES if owner(name) is None] == []


def test_imports_point_down_only():
    wrong = []
    for name, targets in IMPORTS.items():
        source = owner(name)
        for target in sorted(targets):
            destination = owner(target)
            if destination is None or destination == source or LAYERS[source] == FACTORY:
                continue
            # The core is a floor of peers; above it, a package imports only from lower layers.
            upward = LAYERS[destination] > LAYERS[source]
            if upward or (LAYERS[destination] == LAYERS[source] and LAYERS[source] != CORE):
                wrong.append(
                    f"{name} ({LAYER_NAMES[LAYERS[source]]}) imports {target} ({LAYER_NAMES[LAYERS[destination]]})"
                )
    assert wrong == []


def test_no_import_cycle_between_modules():
    """Tarjan's strongly connected components over the module graph: every component is one module."""
    index, lowlink, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(module):
        index[module] = lowlink[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in IMPORTS.get(module, ()):
            if target not in MODULES:
                continue
            if target not in index:
                visit(target)
                lowlink[module] = min(lowlink[module], lowlink[target])
            elif target in on_stack:
                lowlink[module] = min(lowlink[module], index[target])
        if lowlink[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_small(name):
    if name in DATA_MODULES:
        return
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by responsibility"


def test_the_reader_sees_imports_inside_functions_and_submodules():
    """The checks are not blind: imports inside functions count, `from package import module` names the module."""
    assert "app.seeding" in IMPORTS["app"]  # imported inside register_cli()
    assert "app.notices.signals" in IMPORTS["app.notices.services"]
    assert "app.workdays" in IMPORTS["app.notices.services"]  # `from app import workdays`
    assert "app" not in IMPORTS["app.notices.services"]
    assert owner("app.inspection.rollups") == "app.inspection"
