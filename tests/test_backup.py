"""`make backup` / `make restore` (tools/backup.py): a small site backed up and restored into
a new database and media folder, with every table's rows and every file the same."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from tests.factories.communities import MembershipFactory
from tests.factories.reflections import ReflectionFactory
from tests.factories.reviews import SharedWorkFactory
from tools import backup as tool


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def row_counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 -- names from the catalogue.
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's dump and restore")
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_new_database_keeps_every_row_and_file(media, tmp_path):
    import psycopg

    for _ in range(3):
        membership = MembershipFactory()
        ReflectionFactory(author=membership.user, community=membership.community)
    work = SharedWorkFactory()
    work.file.save("plan.txt", ContentFile(b"the plan, v1\n"))
    (media / "nested" / "deep").mkdir(parents=True)
    (media / "nested" / "deep" / "notes.bin").write_bytes(bytes(range(256)))
    source = dict(connection.settings_dict)
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = row_counts(cursor, tables)

    assert tool.main(["backup", "--to", str(tmp_path / "backup")]) == 0
    target = {**source, "NAME": f"{source['NAME']}_restored_{uuid.uuid4().hex[:8]}"}
    restored_media = tmp_path / "restored-media"
    tool.restore(target, restored_media, tmp_path / "backup")

    params = {"host": source["HOST"] or None, "port": source["PORT"] or None}
    params = {k: v for k, v in params.items() if v} | {"user": source["USER"] or None}
    try:
        with psycopg.connect(dbname=target["NAME"], **params) as restored:
            after = row_counts(restored.cursor(), tables)
        # Restoring again over it is refused unless forced.
        with pytest.raises(tool.BackupError, match="already has tables"):
            tool.restore(target, tmp_path / "elsewhere", tmp_path / "backup")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')

    assert before == after
    assert before["communities_membership"] == 3 and before["reflections_reflection"] == 3
    assert files_under(restored_media) == files_under(media)
    assert len(files_under(media)) == 2


def small_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
        db.executemany("INSERT INTO person (name) VALUES (?)", [("ann",), ("bo",), ("cy",)])
        db.execute("INSERT INTO note (body) VALUES ('hello')")
    db.close()


def test_sqlite_backup_then_restore_into_a_new_file_keeps_every_row_and_file(tmp_path):
    small_sqlite(tmp_path / "site.sqlite3")
    media = tmp_path / "media"
    (media / "works").mkdir(parents=True)
    (media / "works" / "a.txt").write_text("a file")
    source = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "site.sqlite3")}
    target = {**source, "NAME": str(tmp_path / "restored" / "site.sqlite3")}

    tool.backup(source, media, tmp_path / "backup")
    tool.restore(target, tmp_path / "restored-media", tmp_path / "backup")

    counts = []
    for db in (source, target):
        with sqlite3.connect(db["NAME"]) as conn:
            counts.append(row_counts(conn.cursor(), ["person", "note"]))
        conn.close()
    assert counts == [{"person": 3, "note": 1}] * 2
    assert files_under(tmp_path / "restored-media") == {"works/a.txt": b"a file"}


def test_restore_refuses_what_would_overwrite_unless_forced(tmp_path):
    small_sqlite(tmp_path / "site.sqlite3")
    source = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "site.sqlite3")}
    tool.backup(source, tmp_path / "no-media-yet", tmp_path / "backup")
    media = tmp_path / "media"
    media.mkdir()
    (media / "stray.txt").write_text("left from before")

    with pytest.raises(tool.BackupError, match="already has files"):
        tool.restore(source, media, tmp_path / "backup")
    with pytest.raises(tool.BackupError, match="already has tables"):
        tool.restore(source, tmp_path / "fresh-media", tmp_path / "backup")
    with pytest.raises(tool.BackupError, match="not empty"):
        tool.backup(source, media, tmp_path / "backup")
    tool.restore(source, media, tmp_path / "backup", force=True)

    assert files_under(media) == {}


def test_restore_refuses_a_folder_without_a_backup_and_a_mismatched_engine(tmp_path):
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "copsite"}
    small_sqlite(tmp_path / "site.sqlite3")
    source = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "site.sqlite3")}
    tool.backup(source, tmp_path / "media", tmp_path / "backup")

    with pytest.raises(tool.BackupError, match="holds no backup"):
        tool.restore(source, tmp_path / "media", tmp_path)
    with pytest.raises(tool.BackupError, match="This backup is of sqlite"):
        tool.restore(postgres, tmp_path / "media", tmp_path / "backup")
