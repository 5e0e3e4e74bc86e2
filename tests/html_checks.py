"""Checks every HTML answer the test client gets: no id twice, every htmx target exists."""
from html.parser import HTMLParser

HX_REQUEST_ATTRS = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.targets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        target = attributes.get("hx-target")
        if target and any(name in attributes for name in HX_REQUEST_ATTRS):
            self.targets.append((tag, target))


def html_problems(html: str, *, is_fragment: bool) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    problems = []
    seen = set()
    for element_id in collector.ids:
        if element_id in seen:
            problems.append(f"id {element_id!r} appears twice")
        seen.add(element_id)
    if not is_fragment:
        for tag, target in collector.targets:
            if target.startswith("#") and target[1:] not in seen:
                problems.append(f"<{tag}> targets {target} which is not on the page")
    return problems
