"""axe-core in the browser tests: the WCAG 2.0/2.1 A and AA rules (and axe's best practices) run over a page
state in both colour schemes, at phone and desktop width, with a reflow check (WCAG 1.4.10), the list tables read
as cards at phone width, and any table still scrolling sideways there declared a wide data table (captioned, a named
region reached by Tab, a visible scroll hint).

axe-core comes from the npm registry (`npm pack axe-core`, see vendor/README.md) and lives beside the tests: it
is evaluated into the page under test by Playwright and never served by the app."""
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

AXE_SCRIPT = Path(__file__).with_name("vendor") / "axe-core-4.14.1.min.js"
AXE_SHA256 = "KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="  # axe-core's own sri-history.json for 4.14.1
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SCHEMES = ("light", "dark")
WIDTHS = {390: 844, 1366: 768}  # a phone held upright; the most common office laptop screen
PHONE_WIDTH = 390
# A full-page screenshot of every audited state in both schemes at both widths (four per state, about a second
# each) only when someone asked for the pictures by naming a folder (KDWEB_SCREENSHOTS, see tests/browser/harness.py).
SCREENSHOT_PAIRS = {(s, w) for s in SCHEMES for w in WIDTHS} if os.environ.get("KDWEB_SCREENSHOTS") else set()

RUN_AXE_JS = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                 summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)})),
  }));
}"""

# The document must not scroll sideways, and no element may stick out of the viewport unless a box of its own
# scrolls or clips it (body { overflow-x: hidden } would hide the scroll bar, not the cut-off content).
REFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  // A box that scrolls or clips holds its content, but an absolutely placed element only when the box is
  // (or holds) its containing block, and a fixed one never.
  const clippedByAncestor = (el) => {
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return false;
    const start = position === 'absolute' ? el.offsetParent : el.parentElement;
    for (let a = start; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map((c) => '.' + c).join('');
  const sticking = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1 || clippedByAncestor(el)) continue;
    const parent = el.parentElement.getBoundingClientRect();
    if (parent.right > width + 1 && el.parentElement !== document.body) continue;  // its parent is reported
    sticking.push(`${describe(el)} (${Math.round(box.right - width)} px too wide)`);
  }
  return {documentWidth: document.documentElement.scrollWidth, viewport: width, sticking: sticking.slice(0, 8)};
}"""

# A list table marked to read as cards on a phone (templates/_tables.html, static/css/cards.css): at phone width its
# box does not scroll sideways, each row is a card, and each cell is headed by its column's name (data-label, as the
# header says it, less any part hidden from screen readers; a column whose header is hidden, the actions, has none),
# in every body and the foot. A row across the table is let be.
CARDS_JS = """() => {
  const problems = [];
  for (const table of document.querySelectorAll('table.card-table')) {
    const box = table.closest('.table-scroll');
    const name = box ? box.getAttribute('aria-label') : table.className;
    if (box && box.scrollWidth > box.clientWidth + 1) {
      problems.push(`${name}: scrolls sideways (${box.scrollWidth} px in ${box.clientWidth} px)`);
    }
    const heads = [...table.querySelectorAll('thead th')].map((th) => {
      if (th.querySelector('.visually-hidden')) return null;
      const named = th.cloneNode(true);  // a part hidden from screen readers (a sort arrow) is no part of the name
      named.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
      return named.textContent.replace(/\\s+/g, ' ').trim();
    });
    const rows = [...table.tBodies].flatMap((body) => [...body.rows]).concat(table.tFoot ? [...table.tFoot.rows] : []);
    for (const row of rows) {
      if (!['block', 'flex', 'grid'].includes(getComputedStyle(row).display)) problems.push(`${name}: a row is not a card`);
      if (row.cells.length !== heads.length) continue;
      [...row.cells].forEach((cell, index) => {
        const label = cell.getAttribute('data-label');
        if (label !== heads[index]) {
          problems.push(`${name}: column ${index + 1} labelled ${JSON.stringify(label)}, its header ${JSON.stringify(heads[index])}`);
        }
      });
    }
  }
  return [...new Set(problems)].slice(0, 8);
}"""

# At phone width a table box that still scrolls sideways must be a wide data table declared as such (WCAG 1.4.10
# lets a data table scroll in two dimensions): a region named and reachable by Tab, its table captioned, and a
# scroll hint visible on screen and tied to the region by aria-describedby. Any other table must fit: cards, or
# fewer columns.
SCROLLING_TABLES_JS = """() => {
  const problems = [];
  for (const box of document.querySelectorAll('.table-scroll')) {
    const table = box.querySelector('table');
    if (!table || box.getClientRects().length === 0 || box.scrollWidth <= box.clientWidth + 1) continue;
    const name = box.getAttribute('aria-label') || table.className;
    const why = [];
    if (box.getAttribute('role') !== 'region' || !box.getAttribute('aria-label')) why.push('not a named region');
    if (box.tabIndex < 0) why.push('not reachable by Tab');
    const caption = table.caption && table.caption.textContent.trim();
    if (!caption) why.push('no caption');
    const hints = (box.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
      .map((id) => document.getElementById(id)).filter((hint) => hint && hint.classList.contains('scroll-hint'));
    const seen = hints.some((hint) => { const r = hint.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.right <= document.documentElement.clientWidth + 1; });
    if (!seen) why.push('no visible scroll hint (.scroll-hint named by aria-describedby)');
    if (why.length) problems.push(`${name}: scrolls sideways (${box.scrollWidth} px in ${box.clientWidth} px), ${why.join(', ')}`);
  }
  return problems.slice(0, 8);
}"""

# Finite animations finished, then two frames. An endless one (a busy indicator) never finishes, and evaluate has no
# timeout: it is left out, and the wait is capped, so a state caught mid-request cannot hang the walk.
SETTLE_JS = """async () => {
  const finite = document.getAnimations().filter((animation) => animation.effect
    && animation.effect.getComputedTiming().endTime !== Infinity);
  const finished = Promise.all(finite.map((animation) => animation.finished.catch(() => null)));
  await Promise.race([finished, new Promise((done) => setTimeout(done, 3000))]);
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")


@dataclass
class Problem:
    state: str
    url: str
    scheme: str
    width: int
    rule: str
    detail: list[str] = field(default_factory=list)

    def __str__(self):
        where = f"{self.state} [{self.scheme}, {self.width} px] {self.url}"
        return "\n".join([f"{self.rule} on {where}", *(f"    {line}" for line in self.detail)])


class Auditor:
    """Runs axe (and the reflow check) over one tab's current page in every scheme and width, and keeps the
    problems of every state it saw, so one failing run lists all of them."""

    def __init__(self, tab, screenshot=None):
        self.tab = tab
        self.screenshot = screenshot
        self.problems: list[Problem] = []
        self.states: list[str] = []
        self.seconds: dict[str, float] = {}
        self.tab.page.emulate_media(reduced_motion="reduce")

    def check(self, state: str) -> list[Problem]:
        page = self.tab.page
        started = time.perf_counter()
        self.tab.wait_for_htmx()
        page.mouse.move(0, 0)  # no hover colours
        found = []
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            for width, height in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                page.evaluate(SETTLE_JS)
                found += self._axe(state, scheme, width)
                if width == PHONE_WIDTH:
                    found += (self._reflow(state, scheme, width) + self._cards(state, scheme, width)
                              + self._scrolling_tables(state, scheme, width))
                if self.screenshot and (scheme, width) in SCREENSHOT_PAIRS:
                    self.screenshot(page, f"a11y-{slug(state)}-{scheme}-{width}")
        page.emulate_media(color_scheme="light")
        page.set_viewport_size({"width": 1280, "height": 900})
        self.states.append(state)
        self.seconds[state] = time.perf_counter() - started
        print(f"audited {state!r} in {self.seconds[state]:.1f} s")
        self.problems += found
        return found

    def _axe(self, state, scheme, width) -> list[Problem]:
        page = self.tab.page
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))  # not a <script>: the app's CSP forbids inline
        problems = []
        for violation in page.evaluate(RUN_AXE_JS, RULE_TAGS):
            detail = [f"{violation['impact']}: {violation['help']}"]
            for node in violation["nodes"][:6]:
                detail.append(f"{node['target']}  {node['html']}")
                if node["summary"]:
                    detail.append(f"  {node['summary']}")
            if len(violation["nodes"]) > 6:
                detail.append(f"… and {len(violation['nodes']) - 6} more elements")
            problems.append(Problem(state, page.url, scheme, width, violation["rule"], detail))
        return problems

    def _reflow(self, state, scheme, width) -> list[Problem]:
        result = self.tab.page.evaluate(REFLOW_JS)
        if result["documentWidth"] <= result["viewport"] and not result["sticking"]:
            return []
        detail = [f"the document is {result['documentWidth']} px wide in a {result['viewport']} px viewport",
                  *result["sticking"]]
        return [Problem(state, self.tab.page.url, scheme, width, "reflow (WCAG 1.4.10)", detail)]

    def _cards(self, state, scheme, width) -> list[Problem]:
        detail = self.tab.page.evaluate(CARDS_JS)
        return [Problem(state, self.tab.page.url, scheme, width, "list tables as cards", detail)] if detail else []

    def _scrolling_tables(self, state, scheme, width) -> list[Problem]:
        detail = self.tab.page.evaluate(SCROLLING_TABLES_JS)
        return [Problem(state, self.tab.page.url, scheme, width, "tables scrolling sideways on a phone", detail)
                ] if detail else []

    def assert_clean(self):
        assert self.states, "no page state was audited"
        if self.problems:
            rules = sorted({problem.rule for problem in self.problems})
            raise AssertionError(f"{len(self.problems)} accessibility problems ({', '.join(rules)}) in "
                                 f"{len({p.state for p in self.problems})} of {len(self.states)} page states:\n\n"
                                 + "\n\n".join(str(problem) for problem in self.problems))
