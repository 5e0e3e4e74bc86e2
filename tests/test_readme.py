"""The README's layout table names every package and root module of kdweb, so a newcomer finds each one."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_layout_table_names_every_package_and_root_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    named = set(re.findall(r"`(?:kdweb/)?([\w.]+)/?`", layout))
    kdweb = ROOT / "kdweb"
    packages = {path.name for path in kdweb.iterdir() if (path / "__init__.py").exists()}
    modules = {path.name for path in kdweb.glob("*.py") if path.name != "__init__.py"}
    assert not (packages | modules) - named, f"missing from the README's layout: {sorted((packages | modules) - named)}"


def test_the_layout_table_names_each_path_once():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1].strip() for line in readme[readme.index("## Layout"):].splitlines()
            if line.startswith("| `")]
    assert len(rows) == len(set(rows)), sorted(row for row in rows if rows.count(row) > 1)
