"""`detente backup` and `detente restore`: the restore drill, on SQLite and on PostgreSQL.

The suite's database is the site's database here (in-memory SQLite, or the PostgreSQL test
database when DATABASE_URL is set): the commands back it up and restore into it, so the
tests run outside a test transaction.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from detente import backup as backups
from detente.accounts.models import ApiToken, User
from detente.alliances.models import HistoryEntry, Stakeholder
from detente.cli import main
from detente.records.models import Alliance

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model (many-to-many tables included), in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def api_as(email: str) -> Client:
    _, key = ApiToken.issue(User.objects.get(email=email), "drill")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_it_restores_every_record_of_every_model_to_the_backup_point(tmp_path: Path) -> None:
    from detente.demo.build import build_demo

    build_demo(reset=True)
    at_backup = everything()
    assert sum(len(rows) for rows in at_backup.values()) > 1000  # the demo, not an empty site
    backup_file = tmp_path / "drill.backup"
    assert main(["backup", str(backup_file), "--quiet"]) == 0

    # Both sides of an alliance change things: create, edit and delete, joint and private.
    alliance = Alliance.objects.for_user(User.objects.get(email="maya@innovatetech.example"))[0]
    maya, raj = api_as("maya@innovatetech.example"), api_as("raj@globalconnect.example")
    base = f"/api/v1/alliances/{alliance.pk}"
    created = maya.post(
        f"{base}/stakeholders",
        {"name": "Drill Person", "visibility": "private"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry = raj.post(
        f"{base}/timeline/history",
        {"title": "Drill entry", "category": "owed", "date": "2026-01-05"},
        content_type="application/json",
    )
    assert entry.status_code == 201, entry.content
    edited = Stakeholder.objects.filter(
        alliance=alliance, visibility="joint", owner_side__organisation__name="InnovateTech"
    ).first()
    assert (
        maya.patch(
            f"{base}/stakeholders/{edited.pk}",
            {"title": "Changed in the drill"},
            content_type="application/json",
        ).status_code
        == 200
    )
    doomed = HistoryEntry.objects.filter(alliance=alliance, visibility="joint").first()
    owner = "maya@innovatetech.example"
    if doomed.owner_side.organisation.name != "InnovateTech":
        owner = "raj@globalconnect.example"
    assert api_as(owner).delete(f"{base}/timeline/history/{doomed.pk}").status_code == 200
    assert everything() != at_backup

    assert main(["restore", str(backup_file), "--yes", "--quiet"]) == 0

    assert everything() == at_backup
    # The restored site serves its people: the demo's sign-in works and pages render.
    browser = Client()
    signed_in = browser.post(
        "/accounts/login/",
        {"username": "maya@innovatetech.example", "password": "detente-demo"},
    )
    assert signed_in.status_code == 302
    assert browser.get(f"/alliances/{alliance.pk}/").status_code == 200


def _a_change_after_the_backup(cast: Any) -> Stakeholder:
    return Stakeholder.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", name="After backup"
    )


def _not_a_sqlite_backup(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.write_text("id,name\n1,x\n"), "neither a SQLite database nor a PostgreSQL"),
        (_not_a_sqlite_backup, "a SQLite database but not a detente backup"),
        (lambda p: p.write_bytes(b"PGDMP" + b"\x00" * 50), "not a readable PostgreSQL dump"),
    ],
    ids=["missing", "empty", "csv", "other-sqlite", "broken-dump"],
)
def test_it_refuses_a_file_that_is_not_a_detente_backup_and_says_why(
    cast: Any, tmp_path: Path, capsys: Any, make: Any, reason: str
) -> None:
    before = everything()
    path = tmp_path / "suspect.file"
    make(path)

    assert main(["restore", str(path), "--yes", "--quiet"]) == 1

    assert reason in capsys.readouterr().err
    assert everything() == before


def test_it_asks_before_replacing_the_database_and_a_no_keeps_it(
    cast: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    backup_file = tmp_path / "site.backup"
    assert main(["backup", str(backup_file), "--quiet"]) == 0
    later = _a_change_after_the_backup(cast)

    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert main(["restore", str(backup_file), "--quiet"]) == 1
    out = capsys.readouterr()
    assert "Every change made since the backup was taken will be lost." in out.out
    assert "Nothing was restored." in out.err
    assert Stakeholder.objects.filter(pk=later.pk).exists()

    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["restore", str(backup_file), "--quiet"]) == 0
    assert not Stakeholder.objects.filter(pk=later.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL: pg_restore --single-transaction is the database's own guarantee; "
    "test_a_truncated_backup_changes_nothing shows a restore failing half-way rolls back",
)
def test_a_restore_interrupted_half_way_leaves_the_database_as_it_was(
    cast: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    backup_file = tmp_path / "site.backup"
    backups.backup(backup_file, progress=False)
    _a_change_after_the_backup(cast)
    before = everything()

    class InterruptedBar:
        """A progress bar whose second step is a Ctrl-C."""

        def __init__(self, *args: Any, total: int = 0, **kwargs: Any) -> None:
            self.total, self.n, self.steps = total, 0, 0

        def __enter__(self) -> InterruptedBar:
            return self

        def __exit__(self, *exc: Any) -> None:
            return None

        def update(self, n: int = 1) -> None:
            self.steps += 1
            self.n += n
            if self.steps == 2:
                raise KeyboardInterrupt

    monkeypatch.setattr(backups, "tqdm", InterruptedBar)
    monkeypatch.setattr(backups, "STEPS", 1_000_000)  # the smallest steps: many of them
    with pytest.raises(KeyboardInterrupt):
        backups.restore(backup_file, progress=False)

    connection.close()  # a fresh connection sees what was committed, if anything
    assert everything() == before


def test_a_truncated_backup_changes_nothing(cast: Any, tmp_path: Path, capsys: Any) -> None:
    backup_file = tmp_path / "site.backup"
    backups.backup(backup_file, progress=False)
    data = backup_file.read_bytes()
    backup_file.write_bytes(data[: len(data) * 2 // 3])
    _a_change_after_the_backup(cast)
    before = everything()

    assert main(["restore", str(backup_file), "--yes", "--quiet"]) == 1

    assert "detente restore:" in capsys.readouterr().err
    connection.close()
    assert everything() == before


def test_a_backup_of_another_engine_is_refused(cast: Any, tmp_path: Path, capsys: Any) -> None:
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes((Path(__file__).parent / "data" / "tiny.dump").read_bytes())
        expected = "is a postgresql backup but this site uses sqlite"
    else:
        db = sqlite3.connect(other)
        db.execute(f"CREATE TABLE {backups.MARKER_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
        db.executemany(
            f"INSERT INTO {backups.MARKER_TABLE} VALUES (?, ?)",
            [("format", backups.FORMAT_VERSION), ("engine", "sqlite")],
        )
        db.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        db.commit()
        db.close()
        expected = "is a sqlite backup but this site uses postgresql"
    before = everything()

    assert main(["restore", str(other), "--yes", "--quiet"]) == 1

    assert expected in capsys.readouterr().err
    assert everything() == before


def test_a_backup_from_a_newer_detente_is_refused(cast: Any, tmp_path: Path, capsys: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["accounts", "9999_from_the_future", "2030-01-01 00:00:00+00:00"],
        )
    backup_file = tmp_path / "future.backup"
    backups.backup(backup_file, progress=False)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE name = '9999_from_the_future'")
    later = _a_change_after_the_backup(cast)

    assert main(["restore", str(backup_file), "--yes", "--quiet"]) == 1

    err = capsys.readouterr().err
    assert "made by a newer version of detente" in err
    assert "accounts.9999_from_the_future" in err
    assert Stakeholder.objects.filter(pk=later.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's")
@pytest.mark.parametrize(
    "fake_version, message",
    [
        (None, "pg_dump was not found on PATH"),
        ("pg_dump (PostgreSQL) 9.6.24", "the client tools must be at least the server's major"),
    ],
    ids=["missing", "too-old"],
)
def test_a_missing_or_too_old_pg_dump_is_named(
    cast: Any, tmp_path: Path, monkeypatch: Any, capsys: Any, fake_version: str | None, message: str
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if fake_version is not None:
        fake = bin_dir / "pg_dump"
        fake.write_text(f"#!/bin/sh\necho '{fake_version}'\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))

    assert main(["backup", str(tmp_path / "site.backup"), "--quiet"]) == 1

    assert message in capsys.readouterr().err
    assert not (tmp_path / "site.backup").exists()


def test_a_restore_leaves_no_table_the_backup_does_not_hold(tmp_path: Path) -> None:
    backup_file = tmp_path / "site.backup"
    backups.backup(backup_file, progress=False)
    with connection.cursor() as cursor:  # a table a later version of detente would add
        cursor.execute("CREATE TABLE added_by_a_later_migration (id integer PRIMARY KEY)")
        cursor.execute("INSERT INTO added_by_a_later_migration VALUES (1)")

    assert main(["restore", str(backup_file), "--yes", "--quiet"]) == 0

    assert "added_by_a_later_migration" not in connection.introspection.table_names()
    assert "accounts_user" in connection.introspection.table_names()
