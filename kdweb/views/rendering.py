"""One template, two renderings: the full page, or only the part an htmx request asked for; and file downloads."""
from flask import flash, make_response, redirect, render_template, request

from kdweb.exports.content_disposition import attachment


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page; boosted links and history restores need the page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(page: str, fragment: str | None = None, http_status: int = 200, **context):
    template = fragment if fragment and wants_fragment() else page
    response = make_response(render_template(template, **context), http_status)
    response.vary.add("HX-Request")
    return response


def answer(page: str, fragment: str, context, *, back_to: str, message: str | None = None,
           category: str = "success", http_status: int = 200):
    """The answer to a posted form: htmx gets `fragment` swapped in place (`context()` gives its context, read only
    then); a plain post gets `message` flashed, if any, and is sent on to `back_to` (303: a reload does not post
    again)."""
    if not wants_fragment():
        return redirect_with(message, back_to, category)
    return render_page(page, fragment, http_status=http_status, **context())


def redirect_with(message: str | None, to: str, category: str = "success"):
    """A plain post done or refused: `message` flashed, if any, and on to `to` (303: a reload does not post again)."""
    if message:
        flash(message, category)
    return redirect(to, code=303)


def send_download(data: bytes, filename: str, mimetype: str):
    """Every file the site serves: saved under its Vietnamese name (RFC 6266 with RFC 5987), never cached, since
    each holds one unit's or the district's data."""
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
