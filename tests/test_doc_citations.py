"""The code's and the docs' citations resolve inside the repository (docs/rules.md): every docs/… file named exists,
every relative link of the README and docs/ stays in the repository and finds its file, every "rulebook.md §n" finds
its section, and nothing cites a rule book kept outside (RULES.md, shared/docs)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def sources():
    for folder, pattern in (("kdweb", "*.py"), ("tests", "*.py"), ("bench", "*.py"), ("templates", "*.html"),
                            ("docs", "*.md"), ("migrations", "*.py")):
        yield from sorted((ROOT / folder).rglob(pattern))
    yield ROOT / "README.md"


def test_every_docs_file_named_exists():
    for path in sources():
        for name in set(re.findall(r"docs/([\w-]+\.md)", path.read_text(encoding="utf-8"))):
            assert (DOCS / name).is_file(), f"{path.relative_to(ROOT)} names docs/{name}, which does not exist"


def test_nothing_cites_a_rule_book_outside_the_repository():
    for path in sources():
        if path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        for outside in ("RULES.md", "RULES-366", "shared/docs"):
            assert outside not in text, f"{path.relative_to(ROOT)} cites {outside}"


def test_relative_links_of_the_readme_and_docs_resolve_inside_the_repository():
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{page.relative_to(ROOT)} links {target}"


def test_each_cited_section_of_a_rule_book_exists():
    sections = {
        "rulebook.md": set(re.findall(r"^## §(\d+)", (DOCS / "rulebook.md").read_text(encoding="utf-8"), re.M)),
        "rulebook-366.md": set(re.findall(r"^## (\d+)\.", (DOCS / "rulebook-366.md").read_text(encoding="utf-8"), re.M)),
    }
    cited = 0
    for path in sources():
        for book, number in re.findall(r"(rulebook(?:-366)?\.md),? §(\d+)", path.read_text(encoding="utf-8")):
            cited += 1
            assert number in sections[book], f"{path.relative_to(ROOT)} cites {book} §{number}, which it lacks"
    assert cited > 20  # the code does cite them: the pattern above still finds the citations
