"""No unused name in kdweb/ (vulture): dead code is deleted, not kept "in case".

A name counts as used when kdweb, wsgi.py, the tests, the benchmarks or a template use it; Flask routes, hooks and CLI
commands are used by their decorators; what frameworks read by name is listed, with the reason, in
tests/unused_whitelist.py. And no name in kdweb/ is there only for the tests or the benchmarks: counting only the
app (kdweb, wsgi.py, the templates and the whitelist) as users, what remains unused is a helper to move into tests/
(or bench/), dead code to delete, or one of the few extension points in KEPT_FOR_TESTS, each with its reason.
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


# Names of kdweb/ that only tests use and that stay all the same: (file, name) → why.
KEPT_FOR_TESTS = {
    ("kdweb/rules/process_memos.py", "forget"):
        "a process as if it had read no workbook: bench/bench_excel.py times an upload as a sandbox worker's next, "
        "after other units' workbooks only; tests/rules/test_process_memos.py starts each case from it",
    ("kdweb/excel/columns.py", "extended_layout"):
        "the way to add a workbook column (docs/changing.md, 'A workbook field' step 2; docs/rules.md): a new layout "
        "is registered with it; tests/excel/test_layouts.py runs the recipe",
    ("kdweb/rules/field_registry.py", "declaring"):
        "a field declared in a derived registry (docs/changing.md, 'A workbook field' step 5), the registry "
        "extended_layout takes; tests/rules/test_field_registry.py and tests/excel/test_layouts.py use it",
    ("kdweb/rules/ruleset.py", "enabling"):
        "how a rule set is derived with a rule switched on (docs/rules.md 'Parameters', docs/changing.md "
        "'A rule set'); the rules' tests switch rules with it",
    ("kdweb/rules/ruleset.py", "disabling"):
        "how a rule set is derived with a rule switched off (docs/rules.md 'Parameters', docs/changing.md "
        "'A rule set'); the rules' tests switch rules with it",
    ("kdweb/rules/stored.py", "record_to_json"):
        "one record's stored JSON, the reference form of json_writer (tests/rules/test_stored_json.py); left in "
        "place while kdweb/rules/stored.py is another change's to edit (a candidate to move into tests/)",
}


def unused_in_kdweb(users: tuple[str, ...], folder: Path) -> dict[tuple[str, str], str]:
    """(file, name) → vulture's line for each name of kdweb/ that none of `users` (and no template) uses."""
    scanner = vulture.Vulture(ignore_decorators=FRAMEWORK_DECORATORS)
    scanner.scavenge([str(ROOT / path) for path in users] + [str(template_names(folder))])
    kdweb = ROOT / "kdweb"
    return {(str(Path(item.filename).relative_to(ROOT)), item.name):
            f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.message}"
            for item in scanner.get_unused_code() if Path(item.filename).is_relative_to(kdweb)}


def test_kdweb_has_no_unused_names(tmp_path):
    unused = unused_in_kdweb(("kdweb", "wsgi.py", "tests", "bench"), tmp_path)
    assert not unused, "unused names (delete them, or say in tests/unused_whitelist.py why they are used):\n" + \
        "\n".join(sorted(unused.values()))


def test_kdweb_has_no_names_only_tests_or_benchmarks_use(tmp_path):
    unused = unused_in_kdweb(("kdweb", "wsgi.py", "tests/unused_whitelist.py"), tmp_path)
    only_for_tests = [line for key, line in unused.items() if key not in KEPT_FOR_TESTS]
    assert not only_for_tests, (
        "names of kdweb/ the app does not use (move a test's helper into tests/, delete dead code, or add an "
        "extension point to KEPT_FOR_TESTS with its reason):\n" + "\n".join(sorted(only_for_tests)))
    assert set(KEPT_FOR_TESTS) <= set(unused), "KEPT_FOR_TESTS lists a name the app uses now: take it off"
