"""One template, two renderings: the full page, or only the part an htmx request asked for."""
from flask import make_response, render_template, request


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page; boosted links and history restores need the page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(page: str, fragment: str | None = None, http_status: int = 200, **context):
    template = fragment if fragment and wants_fragment() else page
    response = make_response(render_template(template, **context), http_status)
    response.vary.add("HX-Request")
    return response
