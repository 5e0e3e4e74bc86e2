"""Records named by a URL, or 404: the view-side lookups shared by several blueprints."""
from flask import abort

from kdweb.services.cycles import cycle_by_year, open_cycle


def cycle_or_404(year: int):
    return cycle_by_year(year) or abort(404)


def open_cycle_or_404():
    return open_cycle() or abort(404)
