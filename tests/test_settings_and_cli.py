"""Start-up refuses bad settings by name, and the site commands work on a fresh data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SETUP = "import django; django.setup(); print('ok')"


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("DETENTE_", "DATABASE_URL"))
    }
    environ |= {"DJANGO_SETTINGS_MODULE": "detente.settings", "DETENTE_DATA_DIR": str(tmp_path)}
    environ |= env
    return subprocess.run(
        [sys.executable, "-c", SETUP], env=environ, capture_output=True, text=True, timeout=60
    )


def test_it_starts_with_nothing_configured(tmp_path: Path) -> None:
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DETENTE_DEBUG", "maybe", "DETENTE_DEBUG must be true or false, got 'maybe'"),
        ("DETENTE_EMAIL_PORT", "lots", "DETENTE_EMAIL_PORT must be a whole number, got 'lots'"),
        ("DETENTE_INVITATION_DAYS", "0", "DETENTE_INVITATION_DAYS must be at least 1, got 0"),
        ("DETENTE_SECRET_KEY", "short", "DETENTE_SECRET_KEY must be at least 32 characters"),
        ("DATABASE_URL", "nosuchdb://x/y", "DATABASE_URL"),
    ],
)
def test_it_refuses_a_bad_setting_naming_it(tmp_path: Path, variable, value, message) -> None:
    result = _start(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def _detente(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DETENTE_")}
    environ.pop("DATABASE_URL", None)  # these run on their own SQLite file
    return subprocess.run(
        [sys.executable, "-m", "detente", "--data-dir", str(tmp_path), *args],
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_it_migrates_creates_a_user_and_builds_the_demo_in_a_fresh_folder(tmp_path: Path) -> None:
    assert _detente(tmp_path, "migrate").returncode == 0
    assert (tmp_path / "detente.sqlite3").exists()

    created = _detente(
        tmp_path,
        "createuser",
        "--email",
        "Op@Example.com",
        "--organisation",
        "Acme",
        "--role",
        "manager",
        "--password-stdin",
        stdin="a-long-enough-password-7\n",
    )
    assert created.returncode == 0, created.stderr
    assert "Created op@example.com in Acme as manager." in created.stdout

    again = _detente(
        tmp_path, "createuser", "--email", "op@example.com", "--password-stdin", stdin="x\n"
    )
    assert again.returncode == 2
    assert "email: op@example.com already has an account" in again.stderr

    weak = _detente(
        tmp_path, "createuser", "--email", "new@example.com", "--password-stdin", stdin="123\n"
    )
    assert weak.returncode == 2
    assert weak.stderr.startswith("password:")

    demo = _detente(tmp_path, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    assert "maya@innovatetech.example" in demo.stdout
    assert "raj@globalconnect.example" in demo.stdout
    # Building the demo twice replaces it rather than failing or duplicating it.
    assert _detente(tmp_path, "demo", "--no-serve").returncode == 0
