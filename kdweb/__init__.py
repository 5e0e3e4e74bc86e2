"""kdweb: the yearly review and quality rating of a district party organisation.

Importing the package loads nothing heavy: the pure core (kdweb.rules, kdweb.excel) is used by the CLI and
the benchmarks without Flask or SQLAlchemy; `create_app` imports the web side when it is called.
"""


def create_app(config=None):
    from kdweb.app import create_app as build_app

    return build_app(config)
