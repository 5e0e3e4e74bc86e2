"""The pure layers stay pure (docs/design.md, layers 1–2): `kdweb.rules`, `kdweb.excel`, `kdweb.reports`
and `kdweb.exports` import no Flask, no SQLAlchemy, no models and nothing of the web side, so the CLI, the
benchmarks and the sandboxed reader load them alone.

Each package names the third-party libraries it may use and the kdweb packages below it; anything else, imported
at the top of a module or inside a function, fails here. A library added on purpose is added to its line.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

KDWEB = Path(__file__).resolve().parent.parent / "kdweb"

# package: (third-party roots it may import, kdweb packages it may import besides itself)
PURE = {
    "rules": ({"msgspec"}, {"domain"}),  # the records are msgspec Structs, written as JSON by its encoder
    "reports": (set(), {"domain"}),
    "exports": ({"openpyxl", "tablib"}, {"domain", "reports"}),
    "excel": ({"openpyxl", "python_calamine", "isal", "msgspec"}, {"domain", "rules", "exports"}),
}
WEB_SIDE = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_migrate", "htmx_flask", "sqlalchemy",
            "werkzeug", "jinja2", "alembic", "psycopg", "kdweb.app", "kdweb.models", "kdweb.services", "kdweb.views",
            "kdweb.extensions")


def imports_of(path: Path):
    """(level, dotted name) of every import in the module, wherever it stands."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_only_what_their_layer_allows(package):
    libraries, below = PURE[package]
    allowed_kdweb = below | {package}
    for path in sorted((KDWEB / package).glob("*.py")):
        for level, name in imports_of(path):
            where = f"kdweb/{package}/{path.name} imports {'.' * level}{name}"
            assert level <= 1, where  # relative imports stay inside the package
            root = name.split(".")[0]
            if level or root in sys.stdlib_module_names or root == "__future__":
                continue
            if root == "kdweb":
                assert name.split(".")[1] in allowed_kdweb, where
            else:
                assert root in libraries, where


def test_importing_the_pure_packages_loads_nothing_of_the_web_side():
    probe = ("import sys, kdweb.domain, kdweb.rules, kdweb.excel, kdweb.reports, kdweb.exports; "
             f"print(sorted(m for m in sys.modules if m.startswith({WEB_SIDE!r})))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]", loaded


def test_views_never_commit_roll_back_or_query():
    """docs/design.md, "Transactions": use cases in services/ commit; views parse, call and render."""
    for path in sorted((KDWEB / "views").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("commit()", "rollback()", "db.select(", "db.session"):
            assert forbidden not in text, f"{path.relative_to(KDWEB.parent)} calls {forbidden}"
