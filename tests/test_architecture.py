"""The import rules of docs/ARCHITECTURE.md, checked on the code: an app imports only the apps
below it, so there is no import cycle between apps; and no source file grows past 450 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Keep in step with docs/ARCHITECTURE.md ("Who may import whom").
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "revisions": {"config"},
    "accounts": {"config", "revisions"},
    "lifecycle": {"config", "revisions", "accounts"},
    "outbox": {"config", "revisions", "accounts"},
    "approvals": {"config", "revisions", "accounts", "lifecycle"},
    "workflow": {"config", "revisions", "accounts", "lifecycle", "approvals"},
    "documents": {"config", "revisions", "accounts", "lifecycle", "approvals", "workflow"},
    "calendars": {"config", "revisions", "accounts", "approvals", "workflow"},
    "tasks": {"config", "revisions", "accounts", "lifecycle", "approvals", "workflow", "calendars", "outbox"},
    "meetings": {"config", "revisions", "accounts", "lifecycle", "approvals", "workflow", "documents", "tasks",
                 "outbox", "calendars"},
    "notices": {"config", "revisions", "accounts", "lifecycle", "approvals", "workflow", "tasks", "outbox"},
    "web": {"config", "revisions", "accounts", "lifecycle", "approvals", "workflow", "documents", "calendars",
            "tasks", "outbox", "meetings", "notices"},
}
MAX_LINES = 450


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported_apps(path: Path) -> set[str]:
    """Every project app ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found |= {module.split(".")[0] for module in modules} & ALLOWED.keys()
    return found


def test_every_app_of_the_project_has_a_rule():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"config"}
    assert apps == set(ALLOWED), "add the new app to ALLOWED and to docs/ARCHITECTURE.md"


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported - ALLOWED[app] - {app})
        for path in _sources(app)
        if (imported := _imported_apps(path)) - ALLOWED[app] - {app}
    }
    assert not wrong, f"{app} may import only {sorted(ALLOWED[app])}: {wrong}"


def test_the_rules_themselves_have_no_cycle():
    def below(app, seen=()):
        for lower in ALLOWED[app]:
            assert lower not in seen and lower != app, f"cycle through {app} and {lower}"
            below(lower, (*seen, app))

    for app in ALLOWED:
        below(app)


def test_no_source_file_is_too_long():
    long = {
        str(path.relative_to(ROOT)): n
        for app in ALLOWED
        for path in _sources(app)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these by concern (at most {MAX_LINES} lines): {long}"
