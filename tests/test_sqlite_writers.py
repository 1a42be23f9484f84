"""SQLite under several web workers: a transaction that reads then writes waits, never fails.

Found by bench/load.py: an audited delete (read the record, delete it, write the audit row,
in one transaction) failed with "database is locked" when another worker wrote between its
read and its write. These tests run two connections with the settings the site uses.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper

from detente import env


def sqlite_connection(path: Path, options: dict[str, Any], alias: str) -> DatabaseWrapper:
    config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}
    config |= {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
    return DatabaseWrapper(config, alias=alias)


def read_then_write_while_another_writes(path: Path, options: dict[str, Any]) -> list[str]:
    """Worker A reads, worker B writes, then A writes in the same transaction; the errors."""
    setup = sqlite_connection(path, options, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS record (id INTEGER PRIMARY KEY, name TEXT)")
        cursor.execute("INSERT INTO record (name) VALUES ('first')")
    setup.close()
    a_has_read, b_is_done = threading.Event(), threading.Event()
    errors: list[str] = []

    def worker_a() -> None:
        db = sqlite_connection(path, options, "a")
        db.inc_thread_sharing()
        try:
            db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with db.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM record")
                a_has_read.set()
                # B writes now, or (with BEGIN IMMEDIATE) waits for this transaction.
                b_is_done.wait(timeout=1)
                cursor.execute("DELETE FROM record WHERE name = 'first'")
            db.commit()
        except OperationalError as exc:
            errors.append(f"A: {exc}")
        finally:
            db.close()

    def worker_b() -> None:
        db = sqlite_connection(path, options, "b")
        db.inc_thread_sharing()
        a_has_read.wait()
        try:
            with db.cursor() as cursor:
                cursor.execute("INSERT INTO record (name) VALUES ('second')")
        except OperationalError as exc:
            errors.append(f"B: {exc}")
        finally:
            b_is_done.set()
            db.close()

    threads = [threading.Thread(target=worker_a), threading.Thread(target=worker_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_it_fails_with_database_is_locked_under_sqlites_default_transactions(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    # The finding, kept as a control: without the site's options, the same sequence fails.
    with django_db_blocker.unblock():  # these are scratch databases, not the suite's
        errors = read_then_write_while_another_writes(
            tmp_path / "default.sqlite3", {"init_command": "PRAGMA journal_mode=WAL"}
        )
    assert errors == ["A: database is locked"]


def test_it_lets_a_read_then_write_transaction_wait_its_turn_with_the_sites_options(
    tmp_path: Path, django_db_blocker: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with django_db_blocker.unblock():
        errors = read_then_write_while_another_writes(
            tmp_path / "site.sqlite3", env.database(tmp_path / "site.sqlite3")["OPTIONS"]
        )
    assert errors == []


@pytest.mark.parametrize("url", ["", "sqlite:////tmp/elsewhere.sqlite3"])
def test_it_gives_every_sqlite_database_the_waiting_options(monkeypatch: Any, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    options = env.database(Path("/tmp/default.sqlite3"))["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
