"""The job queue (Huey): carries job ids from the app servers to the workers; the job's row is the truth.

`KDWEB_QUEUE` chooses the broker:
- unset (the embedded default): a SQLite queue file in `instance/`, consumed by worker threads that the web
  process itself starts on its first request, so `flask run` is still the one command;
- `redis://host:6379/0` (production): Redis, consumed by `flask --app kdweb worker` processes on any host;
- `immediate`: a task runs at once, inside the call that enqueues it (the test suite's default).

Why Huey, and how the workers are run: docs/deploy.md."""
import hashlib
import logging
import multiprocessing
import os
import threading
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

log = logging.getLogger(__name__)
EXTENSION = "kdweb_queue"


class Queue:
    """One app's Huey instance, the tasks registered on it, and the embedded consumer if this process runs one."""

    def __init__(self, app):
        self.app = app
        self.url = app.config.get("KDWEB_QUEUE") or embedded_queue_url(app)
        self.huey = build_huey(self.url, app.config.get("KDWEB_QUEUE_NAME", "kdweb"))
        self.embedded_worker = app.config.get("KDWEB_QUEUE_EMBEDDED_WORKER", self.url.startswith("sqlite:"))
        self._consumer, self._consumer_lock = None, threading.Lock()
        self.run_job_task = self.huey.task(name="run_job")(self._in_app(run_job))
        self.huey.periodic_task(crontab(), name="reap_stale_jobs")(self._in_app(reap_stale_jobs))
        remind_at = app.config.get("KDWEB_REMIND_AT", "00:30")  # UTC (Huey's clock): 07:30 in Hà Nội
        if remind_at:
            hour, minute = remind_at.split(":")
            self.huey.periodic_task(crontab(minute=str(int(minute)), hour=str(int(hour))),
                                    name="remind")(self._in_app(start_reminders))
        self.huey.on_startup("own_connections")(self._in_app(own_connections))
        self.huey.on_startup("reap_stale_jobs")(self._in_app(reap_stale_jobs))

    def _in_app(self, function):
        app = self.app

        def run_in_app(*args):
            with app.app_context():
                return function(*args)
        run_in_app.__name__ = function.__name__
        return run_in_app

    def enqueue_job(self, job_id: int, delay: float = 0) -> None:
        self.ensure_embedded_worker()
        if delay and not self.huey.immediate:
            self.run_job_task.schedule(args=(job_id,), delay=delay)
        else:
            self.run_job_task(job_id)

    def ensure_embedded_worker(self) -> None:
        if not self.embedded_worker or self.huey.immediate or self._consumer is not None:
            return
        with self._consumer_lock:
            if self._consumer is None:
                workers = int(self.app.config.get("KDWEB_QUEUE_WORKERS", 1))
                consumer = Consumer(self.huey, workers=workers, worker_type="thread", max_delay=2.0)
                start_without_signal_handlers(consumer)
                self._consumer = consumer
                log.info("embedded job worker started in process %s", os.getpid())

    def consumer(self, workers: int, worker_type: str) -> Consumer:
        return Consumer(self.huey, workers=workers, worker_type=worker_type, max_delay=2.0)


def embedded_queue_url(app) -> str:
    """A queue file beside the SQLite database (so a queue never outlives its database), else in instance/."""
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if database.startswith("sqlite:///") and database != "sqlite:///:memory:":
        return "sqlite:///" + str(Path(database[len("sqlite:///"):]).with_suffix("")) + "-queue.sqlite"
    digest = hashlib.sha256(database.encode()).hexdigest()[:12]  # one queue per database, never shared by two
    return "sqlite:///" + str(Path(app.instance_path) / f"kdweb-queue-{digest}.sqlite")


def build_huey(url: str, name: str) -> Huey:
    if url == "immediate":
        return MemoryHuey(name, immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=url[len("sqlite:///"):])
    raise ValueError(f"KDWEB_QUEUE: expected redis://…, sqlite:///… or immediate, got {url!r}")


def start_without_signal_handlers(consumer: Consumer) -> None:
    """Consumer.start() sets signal handlers, which only the main thread may do; the web server owns those."""
    consumer._set_signal_handlers = lambda: None
    consumer.start()


def init_app(app) -> Queue:
    queue = Queue(app)
    app.extensions[EXTENSION] = queue
    if queue.embedded_worker and not app.config.get("TESTING"):
        # Jobs left in the queue file by a stopped server are picked up when this one serves its first request.
        app.before_request(queue.ensure_embedded_worker)
    return queue


def current_queue() -> Queue:
    from flask import current_app
    return current_app.extensions[EXTENSION]


def run_job(job_id: int) -> None:
    from kdweb.services import jobs
    jobs.execute(job_id)


def own_connections() -> None:
    """A worker forked by `flask worker --processes` must not share its parent's database connections."""
    from kdweb.extensions import db
    if multiprocessing.parent_process() is not None:  # a child process, not a thread of the web or worker process
        db.engine.dispose(close=False)


def reap_stale_jobs() -> None:
    from kdweb.services import jobs
    jobs.reap_stale()


def start_reminders() -> None:
    from kdweb.services import notifications_jobs
    notifications_jobs.start()
