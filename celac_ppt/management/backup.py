"""Backing up and restoring the portal's database, whichever engine it runs on.

SQLite is copied with its online backup API (consistent while the portal keeps serving);
PostgreSQL with pg_dump's custom format, restored by pg_restore --clean. pg_dump and
pg_restore run with fixed arguments as a list, never through a shell.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone


def engine():
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def default_path():
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if engine() == "sqlite" else "dump"
    return Path(settings.BASE_DIR) / "var" / "backups" / f"celac-ppt-{stamp}.{suffix}"


def _pg_command(program, *args):
    binary = shutil.which(program)
    if binary is None:
        raise CommandError(f"{program} is not installed (Debian: postgresql-client).")
    db = connection.settings_dict
    command = [binary, "--no-owner", "--no-privileges", *args]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return command, env


def _run(command, env):
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if run.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {run.stderr.strip()}")
    return run


def backup(path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
            (result,) = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
        if result != "ok":
            raise CommandError(f"The copy failed its integrity check: {result}")
    else:
        command, env = _pg_command(
            "pg_dump", "--format=custom", "--file", str(path), connection.settings_dict["NAME"]
        )
        _run(command, env)
    path.chmod(0o600)  # it holds account data: readable by the operator only
    return path


def restore(path):
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"No backup at {path}.")
    if engine() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = source.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise CommandError(f"{path} is not a sound SQLite database: {result}")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise CommandError(f"{path} is not a SQLite backup: {error}") from error
        finally:
            source.close()
    else:
        listing, env = _pg_command("pg_restore", "--list", str(path))
        _run(listing, env)  # refuses anything that is not a pg_dump archive before touching data
        connection.close()
        command, env = _pg_command(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(path),
        )
        _run(command, env)
