"""Running jobs: ``detente worker`` in its own process, or a worker thread inside
``detente serve`` / ``detente demo`` so that a first run needs no second server.

A worker is django-tasks-db's own worker loop (it claims one job at a time with a row lock,
so any number of workers on any number of machines can share one PostgreSQL database) plus
a scheduler thread that enqueues the periodic jobs (``detente.jobs.schedule``).
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from typing import Any

from django.db import close_old_connections
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)

SCHEDULER_TICK = 10.0  # seconds between two looks at the periodic jobs


def uses_database_backend() -> bool:
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def _scheduler(stop: threading.Event, tick: float) -> None:
    from detente.jobs import schedule

    while not stop.is_set():
        try:
            close_old_connections()
            schedule.enqueue_due()
        except Exception:  # the next tick tries again; a worker must not die of one bad run
            log.exception("the scheduler's tick failed")
        finally:
            close_old_connections()
        stop.wait(tick)


def start_scheduler(tick: float = SCHEDULER_TICK) -> threading.Event:
    stop = threading.Event()
    threading.Thread(
        target=_scheduler, args=(stop, tick), name="detente-scheduler", daemon=True
    ).start()
    return stop


def _db_worker(*, batch: bool, interval: float) -> Any:
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def start_in_process() -> None:
    """A worker thread and the scheduler, for ``detente serve`` and ``detente demo``."""
    start_scheduler()
    if uses_database_backend():
        worker = _db_worker(batch=False, interval=1.0)
        threading.Thread(target=worker.run, name="detente-worker", daemon=True).start()


# ``detente worker`` -----------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--batch",
        action="store_true",
        help="run the periodic jobs that are due and every queued job, then exit",
    )
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between polls when idle"
    )
    parser.add_argument(
        "--no-schedule",
        action="store_true",
        help="do not enqueue periodic jobs (another worker does)",
    )


def run(args: argparse.Namespace) -> int:
    if not uses_database_backend():
        print(
            "DETENTE_TASKS is not 'database': jobs run where they are enqueued; no worker is needed."
        )
        return 1
    if args.batch:
        if not args.no_schedule:
            from detente.jobs import schedule

            schedule.enqueue_due()
        _db_worker(batch=True, interval=0).run()
        return 0
    stop = None if args.no_schedule else start_scheduler()
    worker = _db_worker(batch=False, interval=args.interval)
    worker.configure_signals()
    print("detente worker: running jobs (Ctrl+C to stop)")
    try:
        worker.run()
    finally:
        if stop is not None:
            stop.set()
        time.sleep(0)
    return 0
