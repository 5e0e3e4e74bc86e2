"""No unused name in kdweb/ (vulture): dead code is deleted, not kept "in case".

A name counts as used when kdweb, wsgi.py, the tests, the benchmarks or a template use it; Flask routes, hooks and CLI
commands are used by their decorators; what frameworks read by name is listed, with the reason, in
tests/unused_whitelist.py.
"""
import keyword
import re
from pathlib import Path

import vulture

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_DECORATORS = [
    "@bp.*", "@*.route", "@*.get", "@*.post", "@*.before_request", "@*.after_request", "@*.context_processor",
    "@*.app_context_processor", "@*.errorhandler", "@*.app_errorhandler", "@*.user_loader", "@*.listens_for",
    "@*.command", "@*.template_filter", "@*.app_template_filter", "@*.template_global", "@*.app_template_global",
    "@*.group",
]


def template_names(folder: Path) -> Path:
    """Every identifier the Jinja templates mention, as a module vulture can read."""
    names = set()
    for page in (ROOT / "templates").rglob("*.html"):
        names |= set(re.findall(r"[A-Za-z_]\w*", page.read_text(encoding="utf-8")))
    module = folder / "template_names.py"
    module.write_text("\n".join(sorted(name for name in names if not keyword.iskeyword(name))) + "\n")
    return module


def test_kdweb_has_no_unused_names(tmp_path):
    scanner = vulture.Vulture(ignore_decorators=FRAMEWORK_DECORATORS)
    users = [str(ROOT / path) for path in ("kdweb", "wsgi.py", "tests", "bench")]
    scanner.scavenge(users + [str(template_names(tmp_path))])
    kdweb = ROOT / "kdweb"
    unused = [f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.message}"
              for item in scanner.get_unused_code() if Path(item.filename).is_relative_to(kdweb)]
    assert not unused, "unused names (delete them, or say in tests/unused_whitelist.py why they are used):\n" + \
        "\n".join(unused)
