"""kdweb.rules stays a pure core: standard library and itself only (STYLE.md, DESIGN.md layer 1)."""
import ast
import sys
from pathlib import Path

import kdweb.rules

PACKAGE = Path(kdweb.rules.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_rules_import_only_the_standard_library():
    for path in sorted(PACKAGE.glob("*.py")):
        outside = {root for root in imported_roots(path) if root not in sys.stdlib_module_names and root != "__future__"}
        assert not outside, f"{path.name} imports {outside}"


def test_rules_never_import_the_rest_of_kdweb():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        absolute = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0]
        assert not [module for module in absolute if module.startswith("kdweb")], path.name
        assert all(node.level == 1 for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level), path.name
