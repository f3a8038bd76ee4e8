"""The arrows of docs/architecture.md: directory ← households ← procedure ← the other apps. A lower
app never imports a higher one, not even inside a function: it offers an extension point that the
higher app fills in its AppConfig.ready(). Every module of every app is read with `ast`."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The rank of each app: an app may import the apps of a lower rank (and its peers), never higher.
RANKS = {
    "directory": 0,
    "households": 1,
    "procedure": 2,
    "referrals": 3,
    "commissions": 3,
    "letters": 3,
    "indicators": 3,
}


def imported_apps(source: str):
    """(line, app) of every absolute import of one of our apps in this source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if (app := name.split(".")[0]) in RANKS:
                yield node.lineno, app


def upward_imports(app: str, files):
    found = []
    for path, source in files:
        for line, imported in imported_apps(source):
            if RANKS[imported] > RANKS[app]:
                found.append(f"{path}:{line} imports {imported}")
    return found


def modules_of(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


@pytest.mark.parametrize("app", sorted(RANKS))
def test_no_app_imports_a_higher_one(app):
    assert upward_imports(app, modules_of(app)) == []


def test_an_upward_import_even_inside_a_function_is_found():
    source = (
        "def visible_to(user):\n    from procedure.models import Procedure\n    import referrals.panels\n"
    )
    assert upward_imports("households", [("households/models.py", source)]) == [
        "households/models.py:2 imports procedure",
        "households/models.py:3 imports referrals",
    ]
    assert upward_imports("procedure", [("procedure/x.py", "from households.models import Lease\n")]) == []
