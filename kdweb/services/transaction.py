"""The one transaction rule (docs/design.md): a use case commits its own work before it returns and, when it
raises (a refusal included), rolls all of it back before the exception leaves it. Views never commit or roll back.
"""
from functools import wraps

from kdweb.extensions import db


def use_case(function):
    """Commit what `function` did when it returns; roll it back when it raises."""

    @wraps(function)
    def run(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return result

    return run
