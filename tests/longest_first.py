"""The order the tests are handed out in: the longest first, as the last run measured them.

xdist gives each worker its next test when it has fewer than two left, in the collection's order; started first, the
long tests overlap each other and the short ones fill in around them, and no worker is left with a long test alone at
the end. The last run's time of each test (setup, call and teardown, added up by the controller from the workers'
reports) is kept in pytest's cache (`.pytest_cache`, key `kdweb/durations`); a test the cache does not know yet
(a first run, CI, a new test) is counted as the markers say: a test marked `slow`, `browser` or `libreoffice` as
SLOW_GUESS seconds, any other as none. `-p no:cacheprovider` leaves the markers alone to decide.
"""
import pytest

CACHE_KEY = "kdweb/durations"
SLOW_MARKERS = ("slow", "browser", "libreoffice")
SLOW_GUESS = 5.0  # seconds: a marked test takes seconds on its own (pyproject's `slow`)

_measured: dict[str, float] = {}  # nodeid → seconds, this run


def guess(item, known: dict[str, float]) -> float:
    for key in _keys(item):
        if key in known:
            return known[key]
    return SLOW_GUESS if any(item.get_closest_marker(marker) for marker in SLOW_MARKERS) else 0.0


def _keys(item) -> list[str]:
    """The test's node id with and without its xdist group (`--dist loadgroup` adds "@group" to the id, in the
    workers only: the reports carry it, and this may sort before or after it is added)."""
    groups = "_".join(sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                              for mark in item.iter_markers("xdist_group")}))
    if not groups:
        return [item.nodeid]
    bare = item.nodeid.removesuffix(f"@{groups}")
    return [bare, f"{bare}@{groups}"]


@pytest.hookimpl(trylast=True)  # after the root conftest has marked the browser tests
def pytest_collection_modifyitems(config, items) -> None:
    """Longest first, by the last run's times; ties (most short tests) keep their collection order."""
    known = config.cache.get(CACHE_KEY, {}) if getattr(config, "cache", None) else {}
    items.sort(key=lambda item: -guess(item, known))


def pytest_runtest_logreport(report):
    """Runs where the reports arrive: in the controller under xdist, in the one process without it."""
    _measured[report.nodeid] = _measured.get(report.nodeid, 0.0) + report.duration


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config, "cache", None) or not _measured:
        return  # an xdist worker: the controller writes
    kept = config.cache.get(CACHE_KEY, {})
    kept.update({nodeid: round(seconds, 3) for nodeid, seconds in _measured.items()})
    config.cache.set(CACHE_KEY, kept)
