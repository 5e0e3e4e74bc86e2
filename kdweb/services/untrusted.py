"""Every read of an uploaded or stored file goes through here: into the sandbox, with the app's limits."""
from flask import current_app

from kdweb import isolation
from kdweb.isolation import SandboxRefused

__all__ = ["SandboxRefused", "limits", "run"]


def limits() -> isolation.SandboxLimits:
    return isolation.SandboxLimits.from_config(current_app.config)


def run(function, *args, **kwargs):
    """function(*args, **kwargs) in a sandbox worker; SandboxRefused when a limit stopped it."""
    return isolation.run(limits(), function, *args, **kwargs)
