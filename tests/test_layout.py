"""The folders show the architecture, and the imports keep to it.

The plan (``areas``) is at the bottom; ``commitments`` (commitments, states, reports and the
rules that compute figures) builds on it; ``accounts`` (who speaks for which state) on
that; ``indicators`` (indicators, their baselines and targets, the values states report and
the region's value) on those; the public site, the workspace, data exchange and the API on
all of those and never on each other. ``celac_ppt`` (settings, addresses, HTTP) ties them
together.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = [
    "outbox",
    "areas",
    "commitments",
    "accounts",
    "indicators",
    "public",
    "workspace",
    "exchange",
    "api",
    "follow",
    "celac_ppt",
]

# What each package may import from the others.
ALLOWED = {
    # E-mails queued for the worker: any part may send one; it knows none of them.
    "outbox": set(),
    "areas": {"outbox"},
    "commitments": {"areas", "outbox"},
    "accounts": {"areas", "commitments", "outbox"},
    # Indicators reuse the reports' workflow, evidence and e-mails; no page of their own.
    "indicators": {"areas", "commitments", "accounts", "outbox"},
    "public": {"areas", "commitments", "accounts", "indicators", "outbox", "celac_ppt"},
    "workspace": {"areas", "commitments", "accounts", "indicators", "outbox", "celac_ppt"},
    # The open-data package holds the indicators' tables too.
    "exchange": {"areas", "commitments", "accounts", "indicators", "outbox", "celac_ppt"},
    # The read-only API: the same rows and figures as the pages and the downloads, taken
    # from commitments.services, never from the public site or the downloads' views.
    "api": {"areas", "commitments", "accounts", "indicators", "outbox", "celac_ppt"},
    # Feeds, calendars, embeds and e-mail subscriptions: beside the public site, not on it.
    "follow": {"areas", "commitments", "accounts", "outbox", "celac_ppt"},
    "celac_ppt": set(PACKAGES) - {"celac_ppt"},
}


def imported_packages(path):
    """The project packages a module imports, wherever in the module the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in PACKAGES)
    return found


def modules(package):
    return [
        path for path in sorted((ROOT / package).rglob("*.py")) if "migrations" not in path.parts
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_lies_below_it(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package] - {package})
        for path in modules(package)
    }
    assert not {path: names for path, names in wrong.items() if names}


def test_the_checker_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from public.views import dashboard\n    import exchange\n")
    assert imported_packages(module) == {"public", "exchange"}


def test_the_source_document_is_inside_the_project():
    source = ROOT / "docs" / "source" / "propuesta-ppt2020-celac.txt"
    assert "Propuesta de áreas de trabajo para la PPT 2020 de la CELAC" in source.read_text()
    assert (ROOT / "docs" / "source" / "README.md").exists()
