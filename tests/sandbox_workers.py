"""The pids of this process's sandbox workers (kdweb/isolation.py), for the benchmarks that add a worker's CPU time
or memory to the process's own: the children multiprocessing's "spawn" started, read from /proc as the live
sandbox test reads gunicorn's workers (multiprocessing's resource tracker, also a child, is left out)."""
import time
from pathlib import Path


def sandbox_worker_pids(wait: float = 5.0) -> list[int]:
    """Alive children of any thread of this process that run multiprocessing.spawn's entry point, by pid. A child
    just started may not have run its program yet (its command line is empty between fork and exec): it is waited
    for, up to `wait` seconds."""
    pids = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update(int(pid) for pid in (task / "children").read_text().split())
    deadline = time.monotonic() + wait
    commands = {pid: _command(pid) for pid in pids}
    while any(command == b"" for command in commands.values()) and time.monotonic() < deadline:
        time.sleep(0.01)
        commands = {pid: _command(pid) for pid, command in commands.items()}
    return sorted(pid for pid, command in commands.items() if command and b"spawn_main" in command)


def _command(pid: int) -> bytes | None:
    """The child's command line; None once it has ended."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):  # ended since it was listed
        return None
