"""Whole-database backups, taken while the site runs, and restores that are all or nothing.

SQLite: SQLite's online backup API copies the database page by page from a consistent
snapshot; the copy gets a ``detente_backup`` table that names it. A restore copies the
backup back with the same API, which holds the write lock on the live database for the
whole copy and commits once, so readers see the old database or the new one, never a mix.

PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot) and ``pg_restore
--clean --if-exists --single-transaction`` (a failure or an interruption rolls back).
The client tools are found on PATH and must be at least the server's major version.

A backup is written to ``FILE.partial`` and renamed when complete, so a failed backup
never leaves a truncated file under the name asked for.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from tqdm import tqdm

import detente

MARKER_TABLE = "detente_backup"
FORMAT_VERSION = "1"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Tables every detente database has; a PostgreSQL dump without them is not one of ours.
DETENTE_TABLES = ("django_migrations", "accounts_user", "audit_auditentry")
# A SQLite backup is copied in about this many steps so progress can be shown.
STEPS = 100
# Online backup restarts when another connection writes to the source between steps; after
# this many restarts the copy is taken in one step (one read transaction) instead.
MAX_RESTARTS = 3


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class BackupInfo:
    """What a backup file holds, read from the file itself."""

    path: Path
    engine: str  # "sqlite" or "postgresql"
    created_at: str
    made_by: str  # "detente 0.1.0" or "pg_dump 15.2"
    database: str
    migrations: set[tuple[str, str]] = field(default_factory=set)

    def describe(self) -> str:
        return (
            f"{self.path} ({'SQLite' if self.engine == 'sqlite' else 'PostgreSQL'} backup of "
            f"{self.database}, taken {self.created_at} by {self.made_by})"
        )


def live_database() -> str:
    """The site's database in words, for prompts and messages."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {settings['NAME']}"
    host = settings.get("HOST") or "localhost"
    return f"the PostgreSQL database {settings['NAME']} on {host}:{settings.get('PORT') or 5432}"


def backup(path: Path, *, progress: bool | None = None) -> BackupInfo:
    """Write a backup of the site's database to ``path`` (replacing a file already there)."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the backup file to write")
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(partial, progress)
        elif connection.vendor == "postgresql":
            _pg_backup(partial, progress)
        else:
            raise BackupError(_unsupported())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return inspect(path)


def inspect(path: Path) -> BackupInfo:
    """Read a backup file's description, or raise BackupError saying why it is not one."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return _sqlite_inspect(path)
    if head.startswith(PGDUMP_MAGIC):
        return _pg_inspect(path)
    if not head:
        raise BackupError(f"{path} is not a detente backup: the file is empty")
    raise BackupError(
        f"{path} is not a detente backup: it is neither a SQLite database nor a PostgreSQL "
        f"custom-format dump (it starts with {head[:8]!r})"
    )


def restore(path: Path, *, progress: bool | None = None) -> BackupInfo:
    """Replace the site's database with the backup at ``path``, all or nothing."""
    info = inspect(Path(path))
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(_unsupported())
    if info.engine != connection.vendor:
        raise BackupError(
            f"{path} is a {info.engine} backup but this site uses {connection.vendor}: "
            "restore it into a site on the same database engine"
        )
    newer = _newer_migrations(info.migrations)
    if newer:
        app, name = newer[0]
        raise BackupError(
            f"{path} was made by a newer version of detente (it has migration {app}.{name}, "
            "which this version does not know): upgrade detente, then restore"
        )
    if connection.in_atomic_block:
        raise BackupError("cannot restore inside a database transaction")
    if info.engine == "sqlite":
        _sqlite_restore(info.path, progress)
    else:
        _pg_restore(info.path, progress)
    # Content type ids are cached per process; the restored table is the truth now.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return info


def _unsupported() -> str:
    return f"backups support SQLite and PostgreSQL; this site uses {connection.vendor}"


def _newer_migrations(backup: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Migrations in a backup that this version of detente does not have."""
    from django.db.migrations.loader import MigrationLoader

    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    # Only apps this version has: a row of an app no longer installed says nothing.
    apps = {app for app, _ in on_disk}
    return sorted(m for m in backup if m[0] in apps and m not in on_disk)


def pending_migrations() -> list[str]:
    """Migrations this version of detente has and the database has not applied."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


# SQLite ---------------------------------------------------------------------------------


class _Restarting(Exception):
    """The source keeps changing under a stepwise copy."""


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, label: str, show) -> None:
    """Copy ``source`` onto ``target`` with the online backup API, showing progress."""
    total = source.execute("PRAGMA page_count").fetchone()[0]
    step = max(16, total // STEPS)
    with tqdm(total=total, unit="page", desc=label, disable=_disable(show), leave=False) as bar:
        seen = {"remaining": total, "restarts": 0}

        def report(status: int, remaining: int, pages: int) -> None:
            if remaining > seen["remaining"]:  # another connection wrote: SQLite restarted
                seen["restarts"] += 1
                if seen["restarts"] > MAX_RESTARTS:
                    raise _Restarting
            seen["remaining"] = remaining
            bar.total = pages
            bar.update(pages - remaining - bar.n)

        try:
            source.backup(target, pages=step, progress=report)
        except _Restarting:
            # One step copies from a single read transaction: it cannot be restarted. It
            # blocks writers only in rollback-journal mode, and only for the copy.
            source.backup(target)
            bar.update((bar.total or 0) - bar.n)


def _disable(show: bool | None) -> bool | None:
    # None lets tqdm decide: a bar on a terminal, nothing in a pipe or a log.
    return None if show is None else not show


def _django_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_backup(partial: Path, show: bool | None) -> None:
    target = sqlite3.connect(partial)
    try:
        _copy(_django_sqlite(), target, "Backing up", show)
        # A backup is one self-contained file, whatever the live database's journal mode.
        target.execute("PRAGMA journal_mode=DELETE")
        with target:
            target.execute(f"CREATE TABLE {MARKER_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
            target.executemany(
                f"INSERT INTO {MARKER_TABLE} VALUES (?, ?)",
                [
                    ("format", FORMAT_VERSION),
                    ("engine", "sqlite"),
                    ("created_at", timezone.now().isoformat(timespec="seconds")),
                    ("made_by", f"detente {detente.__version__}"),
                    ("database", str(connection.settings_dict["NAME"])),
                ],
            )
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the copy failed SQLite's check ({check}); nothing was written")
    finally:
        target.close()


def _sqlite_inspect(path: Path) -> BackupInfo:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened as a SQLite database: {exc}") from None
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if MARKER_TABLE not in tables:
            raise BackupError(
                f"{path} is a SQLite database but not a detente backup (it has no "
                f"{MARKER_TABLE} table; make backups with `detente backup`)"
            )
        meta = dict(db.execute(f"SELECT key, value FROM {MARKER_TABLE}").fetchall())
        if meta.get("format") != FORMAT_VERSION:
            raise BackupError(
                f"{path} is a detente backup of format {meta.get('format')!r}, which this "
                f"version (format {FORMAT_VERSION}) cannot read"
            )
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{path} is damaged: SQLite's check says {check}")
        migrations = {tuple(r) for r in db.execute("SELECT app, name FROM django_migrations")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    finally:
        db.close()
    return BackupInfo(
        path=path,
        engine="sqlite",
        created_at=meta.get("created_at", "?"),
        made_by=meta.get("made_by", "?"),
        database=meta.get("database", "?"),
        migrations=migrations,
    )


def _sqlite_restore(path: Path, show: bool | None) -> None:
    with tempfile.TemporaryDirectory(prefix="detente-restore-") as tmp:
        # Stage a copy without the marker table, so the live database gets exactly the
        # site's tables; the backup file itself is only read.
        staged = sqlite3.connect(Path(tmp) / "staged.sqlite3")
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                source.backup(staged)
            finally:
                source.close()
            with staged:
                staged.execute(f"DROP TABLE {MARKER_TABLE}")
            # The live connection must not hold a read transaction of its own (Django runs
            # in autocommit outside atomic blocks, checked by the caller).
            _copy(staged, _django_sqlite(), "Restoring", show)
        finally:
            staged.close()


# PostgreSQL -----------------------------------------------------------------------------


def _pg_server_version() -> int:
    """The server's version number (``160004`` for 16.4), from the PostgreSQL connection."""
    from django.db.backends.postgresql.base import DatabaseWrapper  # imports psycopg

    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself; ``connection`` is a proxy
    if not isinstance(db, DatabaseWrapper):
        raise BackupError(
            f"the PostgreSQL client tools need a PostgreSQL database, not {db.vendor}"
        )
    return db.pg_version


def _pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool whose major version can serve this server."""
    found = shutil.which(name)
    version = _pg_server_version()
    server = version // 10000 if version >= 100000 else 9
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL {server} client tools "
            f"(for example `apt install postgresql-client-{server}`)"
        )
    out = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    if match is None:
        raise BackupError(f"cannot tell the version of {found} (it printed {out.stdout!r})")
    major = int(match.group(1))
    if major < server:
        raise BackupError(
            f"{found} is version {major} but the server is PostgreSQL {server}: the client "
            f"tools must be at least the server's major version (install "
            f"postgresql-client-{server} and put it first on PATH)"
        )
    return found


def _pg_env() -> dict[str, str]:
    """The connection settings as libpq variables, so no password shows in a process list."""
    s = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGDATABASE": s.get("NAME"),
        "PGSSLMODE": (s.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _run_with_progress(
    command: list[str], total: int, pattern: str, label: str, show: bool | None
) -> None:
    """Run a --verbose pg tool, advancing a bar on each ``pattern`` line of its stderr."""
    kept: list[str] = []
    with (
        tqdm(total=total, unit="table", desc=label, disable=_disable(show), leave=False) as bar,
        subprocess.Popen(
            command, env=_pg_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        ) as proc,
    ):
        assert proc.stderr is not None
        try:
            for line in proc.stderr:
                if pattern in line:
                    bar.update(1)
                elif any(w in line.lower() for w in ("error", "warning", "detail", "hint")):
                    kept.append(line.rstrip())
        except BaseException:
            # Interrupted (Ctrl-C, a failing progress bar): stop the tool, whose
            # transaction then rolls back, rather than wait for it to finish.
            proc.kill()
            raise
        returncode = proc.wait()
    if returncode != 0:
        detail = "\n".join(kept[-10:]) or f"exit status {returncode}"
        raise BackupError(f"{Path(command[0]).name} failed; nothing was changed:\n{detail}")


def _pg_backup(partial: Path, show: bool | None) -> None:
    pg_dump = _pg_tool("pg_dump")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        tables = cursor.fetchone()[0]
    _run_with_progress(
        [pg_dump, "--format=custom", "--verbose", f"--file={partial}"],
        tables,
        "dumping contents of table",
        "Backing up",
        show,
    )


def _pg_list(path: Path) -> str:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError("pg_restore was not found on PATH: install the PostgreSQL client tools")
    out = subprocess.run([pg_restore, "--list", str(path)], capture_output=True, text=True)
    if out.returncode != 0:
        raise BackupError(
            f"{path} is not a readable PostgreSQL dump: {out.stderr.strip() or out.returncode}"
        )
    return out.stdout


def _pg_inspect(path: Path) -> BackupInfo:
    listing = _pg_list(path)
    data_of = set(re.findall(r"TABLE DATA \S+ (\S+) ", listing))
    missing = [t for t in DETENTE_TABLES if t not in data_of]
    if missing:
        raise BackupError(
            f"{path} is a PostgreSQL dump but not of a detente database (it has no "
            f"{', '.join(missing)} table)"
        )

    def header(name: str) -> str:
        match = re.search(rf";\s+{name}:? (.+)", listing)
        return match.group(1).strip() if match else "?"

    return BackupInfo(
        path=path,
        engine="postgresql",
        created_at=header("Archive created at"),
        made_by=f"pg_dump {header('Dumped by pg_dump version')}",
        database=header("dbname"),
        migrations=set(_pg_dumped_migrations(path)),
    )


def _pg_dumped_migrations(path: Path) -> Iterator[tuple[str, str]]:
    """(app, name) rows of django_migrations, read from the dump's COPY block."""
    out = subprocess.run(
        [shutil.which("pg_restore") or "pg_restore", "--data-only", "--table=django_migrations"]
        + ["--file=-", str(path)],
        capture_output=True,
        text=True,
    )
    in_copy = False
    columns: list[str] = []
    for line in out.stdout.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            in_copy = True
            columns = line[line.index("(") + 1 : line.index(")")].split(", ")
        elif in_copy and line == "\\.":
            return
        elif in_copy:
            row: dict[str, Any] = dict(zip(columns, line.split("\t"), strict=False))
            yield row["app"], row["name"]


def _pg_restore(path: Path, show: bool | None) -> None:
    pg_restore = _pg_tool("pg_restore")
    listing = _pg_list(path)
    total = len(re.findall(r"TABLE DATA ", listing))
    # Our own connection must hold no lock that pg_restore's DROP TABLE would wait for.
    connection.close()
    _run_with_progress(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--verbose",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        total,
        "processing data for table",
        "Restoring",
        show,
    )
    _drop_tables_not_in(listing)


def _drop_tables_not_in(listing: str) -> None:
    """Drop the tables the dump does not hold, so the site is the backup and nothing else.

    ``pg_restore --clean`` drops only what the dump holds: tables a later migration added
    would stay behind with rows of the replaced database, and ``migrate`` would then fail
    creating them again. They go in one transaction of their own after the restore has
    committed (pg_restore's transaction cannot take other statements).
    """
    dumped = set(re.findall(r"\bTABLE (\S+) (\S+) ", listing))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        extra = [row for row in cursor.fetchall() if tuple(row) not in dumped]
    if not extra:
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for schema, table in extra:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(table)} CASCADE")
