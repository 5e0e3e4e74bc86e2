"""Parse untrusted bytes in a throwaway child process with hard limits, never in the web worker.

A small pool of spawned worker processes per web process (started on first use, or by `prestart`) runs one
task at a time each. Before each task the worker lowers its own limits: address space (RLIMIT_AS, the idle
size plus a budget), CPU seconds (RLIMIT_CPU, counted from now) and no core files; the web process waits at
most a wall time and reads back at most an output size. An abort (python-calamine's SIGABRT on a failed
allocation), a runaway allocation or an endless loop kills the worker, never the web process: the caller gets
`SandboxRefused` with a precise Vietnamese message, and a fresh worker takes the dead one's place.

The pool uses multiprocessing's "spawn" context: a worker is a clean interpreter that inherits no locks,
connections or threads of the web process, so it behaves the same under `flask run`, gunicorn (with or
without --preload) and pytest's forked live server. Tasks are plain module-level functions.
"""
from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import pickle
import resource
import signal
import threading
from collections import deque
from dataclasses import dataclass

_CONTEXT = multiprocessing.get_context("spawn")
# Imported by every worker as it starts, so that an upload check does not pay for them: what reading an upload
# needs, and no more. openpyxl (12 MB of a worker's memory) is loaded by the first task that writes a workbook
# (an annotated copy, review notes) or reads a roster file; tests/security/test_sandbox.py holds this.
PRELOAD = ("kdweb.excel.outcome", "kdweb.rules", "python_calamine")
_MB = 1024 * 1024


@dataclass(frozen=True)
class SandboxLimits:
    memory_mb: int = 1024  # address space a task may add to its idle worker
    cpu_seconds: int = 30
    wall_seconds: float = 60.0
    output_mb: int = 64  # the pickled answer
    workers: int = 2  # per web process
    max_tasks: int = 200  # a worker is replaced after this many tasks

    @classmethod
    def from_config(cls, config) -> SandboxLimits:
        defaults = cls()
        return cls(
            memory_mb=int(config.get("KDWEB_SANDBOX_MEMORY_MB", defaults.memory_mb)),
            cpu_seconds=int(config.get("KDWEB_SANDBOX_CPU_SECONDS", defaults.cpu_seconds)),
            wall_seconds=float(config.get("KDWEB_SANDBOX_WALL_SECONDS", defaults.wall_seconds)),
            output_mb=int(config.get("KDWEB_SANDBOX_OUTPUT_MB", defaults.output_mb)),
            workers=max(1, int(config.get("KDWEB_SANDBOX_WORKERS", defaults.workers))),
        )


MEMORY, TIME, OUTPUT, CRASH = "memory", "time", "output", "crash"
MESSAGES = {
    MEMORY: (
        "Tệp này làm hệ thống đọc quá giới hạn bộ nhớ ({memory_mb} MB) nên việc đọc đã bị dừng để bảo vệ máy chủ. "
        "Tệp mẫu đã điền bình thường không bao giờ cần nhiều như vậy: hãy xóa các trang, hàng, cột thừa hoặc "
        "ảnh dán vào, lưu lại rồi tải lên lần nữa."
    ),
    TIME: (
        "Tệp này làm hệ thống đọc quá giới hạn thời gian ({seconds} giây) nên việc đọc đã bị dừng để bảo vệ "
        "máy chủ. Hãy xóa các trang, hàng, cột thừa, lưu lại rồi tải lên lần nữa."
    ),
    OUTPUT: (
        "Tệp này cho ra lượng dữ liệu quá giới hạn ({output_mb} MB) khi đọc nên việc đọc đã bị dừng để bảo vệ "
        "máy chủ. Hãy xóa các trang, hàng, cột thừa, lưu lại rồi tải lên lần nữa."
    ),
    CRASH: (
        "Tệp này làm bộ đọc tệp dừng bất thường nên hệ thống chưa đọc được. Hãy mở tệp bằng Excel hoặc "
        "LibreOffice, lưu lại thành .xlsx rồi tải lên lần nữa."
    ),
}


class SandboxRefused(Exception):
    """The task was stopped by a limit (or its worker died): `kind`, a Vietnamese `message`, an English `detail`."""

    def __init__(self, kind: str, limits: SandboxLimits, detail: str = ""):
        self.kind, self.detail = kind, detail
        self.message = MESSAGES[kind].format(memory_mb=limits.memory_mb, seconds=_seconds(limits),
                                             output_mb=limits.output_mb)
        super().__init__(f"{kind}: {detail}")


def _seconds(limits: SandboxLimits) -> str:
    return f"{min(limits.cpu_seconds, limits.wall_seconds):g}".replace(".", ",")


def run(limits: SandboxLimits, function, *args, **kwargs):
    """function(*args, **kwargs) in a sandbox worker; its exceptions are raised here as they were raised there."""
    return _pool(limits).run(limits, function, args, kwargs)


def prestart(limits: SandboxLimits | None = None) -> None:
    """Start this process's workers now (they import the readers while the web process serves)."""
    _pool(limits or SandboxLimits()).fill()


# --- the web process's side ------------------------------------------------------------------------------------
class _Worker:
    def __init__(self):
        self.connection, child_end = _CONTEXT.Pipe(duplex=True)
        self.process = _CONTEXT.Process(target=_serve, args=(child_end, PRELOAD), daemon=True,
                                        name="kdweb-sandbox")
        self.process.start()
        child_end.close()
        self.tasks = 0

    def stop(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)

    def death(self, limits: SandboxLimits) -> SandboxRefused:
        self.process.join(5)
        code = self.process.exitcode
        if code == -signal.SIGXCPU:
            return SandboxRefused(TIME, limits, f"CPU limit of {limits.cpu_seconds} s (SIGXCPU)")
        if code in (-signal.SIGABRT, -signal.SIGKILL):  # Rust's failed allocation aborts; the OOM killer kills
            return SandboxRefused(MEMORY, limits, f"worker ended by signal {-code}")
        return SandboxRefused(CRASH, limits, f"worker exit code {code}")


class _Pool:
    def __init__(self):
        self.idle: deque[_Worker] = deque()
        self.count = 0
        self.size = 1
        self.lock = threading.Condition()

    def fill(self) -> None:
        with self.lock:
            while self.count < self.size:
                self.idle.append(_Worker())
                self.count += 1

    def acquire(self) -> _Worker:
        with self.lock:
            while True:
                while self.idle:
                    worker = self.idle.popleft()
                    if worker.process.is_alive():
                        return worker
                    worker.stop()
                    self.count -= 1
                if self.count < self.size:
                    self.count += 1
                    break
                self.lock.wait()
        try:
            return _Worker()
        except BaseException:
            self.discard(None)
            raise

    def release(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)
            self.lock.notify()

    def discard(self, worker: _Worker | None) -> None:
        if worker is not None:
            worker.stop()
        with self.lock:
            self.count -= 1
            self.lock.notify()

    def run(self, limits: SandboxLimits, function, args, kwargs):
        worker = self.acquire()
        keep = False
        try:
            status, value, retire = self._exchange(worker, limits, (function, args, kwargs, limits))
            keep = not retire and worker.tasks < limits.max_tasks
        finally:
            self.release(worker) if keep else self.discard(worker)
        return _unpack(status, value, limits)

    def _exchange(self, worker: _Worker, limits: SandboxLimits, task) -> tuple:
        worker.tasks += 1
        try:
            worker.connection.send(task)
            if not worker.connection.poll(limits.wall_seconds):
                worker.process.kill()
                raise SandboxRefused(TIME, limits, f"wall time over {limits.wall_seconds} s")
            blob = worker.connection.recv_bytes(limits.output_mb * _MB + 4096)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            raise worker.death(limits) from None
        except OSError as error:  # recv_bytes: the message is longer than allowed
            worker.process.kill()
            raise SandboxRefused(OUTPUT, limits, str(error)) from None
        return pickle.loads(blob)


def _unpack(status: str, value, limits: SandboxLimits):
    if status == "ok":
        return value
    if status == "error":
        raise value
    raise SandboxRefused(status, limits, str(value))


_pools: dict[int, _Pool] = {}
_pools_lock = threading.Lock()


def _pool(limits: SandboxLimits) -> _Pool:
    with _pools_lock:
        pool = _pools.get(os.getpid())
        if pool is None:
            pool = _pools[os.getpid()] = _Pool()
        pool.size = limits.workers
        return pool


def _forget_inherited_pools() -> None:
    """In a forked child (gunicorn with --preload, pytest's live server), the parent's workers are not ours:
    drop our copies of their pipes, and keep multiprocessing from ending them when this child exits."""
    global _pools_lock
    _pools_lock = threading.Lock()
    for pool in _pools.values():
        for worker in pool.idle:
            worker.connection.close()
            multiprocessing.process._children.discard(worker.process._popen)  # noqa: SLF001 - see docstring
    _pools.clear()


def shutdown() -> None:
    """Stop this process's idle workers; the next task starts fresh ones."""
    with _pools_lock:
        pool = _pools.pop(os.getpid(), None)
    if pool:
        with pool.lock:
            workers, pool.idle = list(pool.idle), deque()
        for worker in workers:
            worker.stop()


os.register_at_fork(after_in_child=_forget_inherited_pools)
atexit.register(shutdown)


# --- the worker's side -----------------------------------------------------------------------------------------
def _serve(connection, preload) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal reaches the whole group: the parent decides
    os.environ["RUST_BACKTRACE"] = "0"  # calamine's failed allocation: one line in the log, not a backtrace
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name in preload:
        importlib.import_module(name)
    idle_bytes = _address_space()  # the budget counts from here, however much earlier tasks left mapped
    while True:
        try:
            function, args, kwargs, limits = connection.recv()
        except (EOFError, OSError):
            return
        _limit(limits, idle_bytes)
        status, value = _call(function, args, kwargs)
        # A worker that ran out of memory may be broken, and one that kept half its budget mapped would give
        # the next task less than its due: either asks to be replaced.
        retire = status == MEMORY or _address_space() > idle_bytes + limits.memory_mb * _MB // 2
        connection.send_bytes(_packed((status, value, retire), limits))
        if retire:
            return


def _limit(limits: SandboxLimits, idle_bytes: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_capped(idle_bytes + limits.memory_mb * _MB, hard), hard))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (_capped(used + limits.cpu_seconds, hard), hard))


def _capped(value: int, hard: int) -> int:
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _call(function, args, kwargs) -> tuple:
    try:
        return ("ok", function(*args, **kwargs))
    except MemoryError:
        return (MEMORY, "MemoryError")
    except Exception as error:  # noqa: BLE001 - the task's own exception, raised again in the web process
        return ("error", error)


def _packed(answer: tuple, limits: SandboxLimits) -> bytes:
    try:
        blob = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps((MEMORY, "MemoryError while packing the answer", True))
    except Exception as error:  # noqa: BLE001 - an answer that cannot cross: our bug, said plainly
        return pickle.dumps(("error", RuntimeError(f"sandbox answer not picklable: {error!r}"), answer[2]))
    if len(blob) > limits.output_mb * _MB:
        return pickle.dumps((OUTPUT, f"answer of {len(blob)} bytes", answer[2]))
    return blob
