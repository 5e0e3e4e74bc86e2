"""URL parts that the database can hold: an integer beyond a 32-bit column is "not found", never a 500."""
from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1


class DatabaseInteger(IntegerConverter):
    """`<int:…>` on every route: digits only, at most 10 of them, and no larger than an INTEGER column."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=DATABASE_INT_MAX if max is None else max,
                         signed=signed)


def register_converters(app):
    """Before any route is added, so that every `<int:…>` of every blueprint uses it."""
    app.url_map.converters["int"] = DatabaseInteger
