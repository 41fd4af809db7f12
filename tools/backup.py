"""`make backup` / `make restore`: the database and the media folder, in one folder.

    python -m tools.backup backup [--to DIR]       (default var/backups/<UTC time>)
    python -m tools.backup restore --from DIR [--force]

A backup folder holds database.pgdump (pg_dump's custom format, for pg_restore) or
database.sqlite3 (SQLite's online backup, safe while the site runs), media.tar.gz (every
file under MEDIA_ROOT) and manifest.json (what was backed up, from where and when).

Restore writes into the database DATABASE_URL names, creating it when it does not exist
(PostgreSQL; the role needs CREATEDB for that), and into MEDIA_ROOT. It refuses a database
that already has tables or a media folder that already has files, unless --force, which
replaces them: restore into a new database, check it, then point the site at it. Stop the
web, worker and beat before restoring over a database they use. pg_dump and pg_restore
must be at least the server's major version.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COPSITE_VAR_DIR") or ROOT / "var")
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# The database OPTIONS that are libpq's own (the others are Django's or psycopg's).
LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")


class BackupError(Exception):
    """What went wrong, in one line for the operator."""


def engine_of(db: dict) -> str:
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return "sqlite"
    if engine == "postgresql":
        return engine
    raise BackupError(f"Backups cover PostgreSQL and SQLite, not {db['ENGINE']}.")


def pg_env(db: dict) -> dict[str, str]:
    """libpq's environment for a Django database: no password on a command line."""
    env = {**os.environ}
    pairs = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        **{f"PG{key.upper()}": (db.get("OPTIONS") or {}).get(key) for key in LIBPQ_OPTIONS},
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def run(command: list[str], db: dict) -> None:
    # pg_dump or pg_restore with arguments built here, no shell.
    result = subprocess.run(command, env=pg_env(db), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


# --- Backup -------------------------------------------------------------------------------


def backup(db: dict, media_root: Path, folder: Path) -> Path:
    engine = engine_of(db)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder.")
    dump = folder / DUMPS[engine]
    if engine == "postgresql":
        run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--file={dump}", f"--dbname={db['NAME']}"],
            db,
        )  # fmt: skip
    else:
        sqlite_copy(Path(db["NAME"]), dump)
    with tarfile.open(folder / MEDIA, "w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.iterdir()):
                tar.add(path, arcname=path.name)
    manifest = {
        "engine": engine,
        "database": DUMPS[engine],
        "media": MEDIA,
        "source": {"database": str(db["NAME"]), "media_root": str(media_root)},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while others write (WAL)."""
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}.")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


# --- Restore ------------------------------------------------------------------------------


def restore(db: dict, media_root: Path, folder: Path, *, force: bool = False) -> None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} holds no backup ({MANIFEST} is missing).") from None
    engine = engine_of(db)
    if manifest["engine"] != engine:
        raise BackupError(f"This backup is of {manifest['engine']}; DATABASE_URL names {engine}.")
    if not force and media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} already has files: --force replaces them.")
    dump = folder / manifest["database"]
    if engine == "postgresql":
        pg_restore(db, dump, force=force)
    else:
        target = Path(db["NAME"])
        if not force and sqlite_has_tables(target):
            raise BackupError(f"{target} already has tables: --force replaces them.")
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(dump, target)
    if media_root.is_dir():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True)
    with tarfile.open(folder / manifest["media"], "r:gz") as tar:
        tar.extractall(media_root, filter="data")


def sqlite_has_tables(path: Path) -> bool:
    if not path.is_file():
        return False
    with sqlite3.connect(path) as db:
        count = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    db.close()
    return count[0] > 0


def pg_restore(db: dict, dump: Path, *, force: bool) -> None:
    import psycopg
    from psycopg import sql

    options = db.get("OPTIONS") or {}
    params = {
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        **{key: options.get(key) for key in LIBPQ_OPTIONS},
    }
    params = {key: value for key, value in params.items() if value}
    name = db["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if exists:
        with psycopg.connect(dbname=name, **params) as target:
            tables = target.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()[0]
        if tables and not force:
            raise BackupError(f"Database {name} already has tables: --force replaces them.")
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    if exists:
        command += ["--clean", "--if-exists"]
    run([*command, f"--dbname={name}", str(dump)], db)


# --- Command line -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.backup", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    to = commands.add_parser("backup", help="dump the database and the media folder")
    to.add_argument("--to", type=Path, help="a new folder (default var/backups/<UTC time>)")
    back = commands.add_parser("restore", help="restore a backup folder")
    back.add_argument("--from", dest="source", type=Path, required=True)
    back.add_argument("--force", action="store_true", help="replace existing tables and files")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copsite.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.conf import settings
    from django.db import connections

    db = connections["default"].settings_dict
    media_root = Path(settings.MEDIA_ROOT)
    try:
        if args.command == "backup":
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            folder = backup(db, media_root, args.to or VAR_DIR / "backups" / stamp)
            print(f"Backed up the database and {media_root} to {folder}")
        else:
            restore(db, media_root, args.source, force=args.force)
            print(f"Restored {args.source} into {db['NAME']} and {media_root}")
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
