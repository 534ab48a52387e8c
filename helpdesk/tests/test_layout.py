"""The apps' dependencies run one way (DESIGN.md, "Layout"): accounts is the ground floor,
tickets uses accounts, kb may use tickets and accounts, analytics any of them; demo data
fills the apps and nothing imports it back."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "tickets", "kb", "analytics", "integrations", "privacy", "live", "demo")

# What each app's own code (tests apart) may import of the others.
ALLOWED = {
    "accounts": set(),
    "tickets": {"accounts"},
    "kb": {"accounts", "tickets"},
    "analytics": {"accounts", "tickets", "kb"},
    "integrations": {"accounts", "tickets", "kb"},
    "privacy": {"accounts", "tickets", "kb", "analytics"},
    "live": {"accounts", "tickets"},
    "demo": {"accounts", "tickets", "kb", "analytics"},
}


def imported_apps(app: str) -> dict[str, set[str]]:
    """For each module of ``app`` outside its tests, the other apps it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != app:
                    found.setdefault(str(path.relative_to(ROOT)), set()).add(top)
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_what_lies_below_it(app):
    wrong = {module: apps - ALLOWED[app] for module, apps in imported_apps(app).items() if apps - ALLOWED[app]}
    assert wrong == {}


def test_no_app_imports_the_demo_data():
    for app in ("accounts", "tickets", "kb", "analytics", "integrations", "privacy", "live", "helpdesk"):
        assert not any("demo" in apps for apps in imported_apps(app).values()), app
