"""The pids of this process's sandbox workers (kdweb/isolation.py), for the benchmarks that add a worker's CPU time
or memory to the process's own: the children multiprocessing's "spawn" started, read from /proc as the live
sandbox test reads gunicorn's workers (multiprocessing's resource tracker, also a child, is left out)."""
from pathlib import Path


def sandbox_worker_pids() -> list[int]:
    """Alive children of any thread of this process that run multiprocessing.spawn's entry point, by pid."""
    pids = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update(int(pid) for pid in (task / "children").read_text().split())
    return sorted(pid for pid in pids if _spawned_worker(pid))


def _spawned_worker(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):  # ended since it was listed
        return False
    return b"spawn_main" in command
