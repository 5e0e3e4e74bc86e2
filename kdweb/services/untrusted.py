"""Every read of an uploaded or stored file goes through here: into the sandbox, with the app's limits."""
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from kdweb import isolation
from kdweb.isolation import SandboxRefused

__all__ = ["SandboxRefused", "handed", "limits", "run", "spooled"]

# an upload up to this size reaches the sandbox as its bytes, a larger one as the path of a spooled copy
HANDED_BYTES = 512 * 1024


def limits() -> isolation.SandboxLimits:
    return isolation.SandboxLimits.from_config(current_app.config)


def run(function, *args, **kwargs):
    """function(*args, **kwargs) in a sandbox worker; SandboxRefused when a limit stopped it."""
    return isolation.run(limits(), function, *args, **kwargs)


@contextmanager
def handed(data: bytes):
    """What a task that reads an upload is given: up to HANDED_BYTES (a unit of some 5,000 members) the bytes
    themselves, pickled through the worker's pipe, which costs less than writing, reading and deleting a file
    (CPU of the web process and the worker together: 0.25-0.46 ms less from 500 to 4,000 members, about even at
    660 KB); past it the path of a spooled copy, so that the worker holds a large upload only while its guards
    read it (docs/performance.md, the memory row)."""
    if len(data) <= HANDED_BYTES:
        yield data
        return
    with spooled(data) as path:
        yield path


@contextmanager
def spooled(data: bytes):
    """The bytes in a temporary file, deleted afterwards, for a task that reads its file by path: the worker then
    holds them only while its guards read them, not at the peak of the read, and they do not cross the pipe as
    a pickle (docs/performance.md, the memory row). mkstemp and a plain file, closed once written: a
    NamedTemporaryFile's wrapper cost half as much again (140-180 us against 85-115 us, ~1 % of a small upload)."""
    descriptor, name = tempfile.mkstemp(prefix="kdweb-upload-")
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
        yield Path(name)
    finally:
        os.unlink(name)
