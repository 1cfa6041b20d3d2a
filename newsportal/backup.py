"""Online, consistent backups of the database and the uploaded media, and their restore (#9).

A backup is a directory:

- `database.sqlite3` (SQLite's online backup API: a snapshot taken while the site serves) or
  `database.dump` (`pg_dump --format=custom`: one consistent snapshot of PostgreSQL);
- `media.tar`: MEDIA_ROOT, archived after the database. Uploads are never deleted or replaced
  in place (a replaced image gets a new file name), so every file the snapshot names is in it;
- `manifest.json`: when, from which database, the rows it holds (articles, comments, images,
  revisions...) and each media file's size and SHA-256, which a restore checks.

A restore puts the database back as one transaction (PostgreSQL: `pg_restore
--single-transaction`; SQLite: the backup API in reverse, under the write lock), adds the media
files, checks both against the manifest, then empties the application's cache and purges the
front cache: every page it held may show rows that no longer exist.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.utils import timezone

from .front_cache import purge_now

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# What the manifest counts, and a restore compares.
COUNTED = [
    "articles.Article",
    "articles.Section",
    "articles.Tag",
    "articles.Author",
    "articles.Byline",
    "articles.Image",
    "articles.RelatedLink",
    "comments.Comment",
    "comments.ModerationDecision",
    "reversion.Revision",
    "reversion.Version",
    "auth.User",
]
# Every public page carries one of these keys (the navigation, the latest list, the feeds...).
SITE_WIDE_KEYS = ["home", "latest", "sections", "feeds", "sitemap", "robots"]


class BackupError(Exception):
    """What went wrong, in words for the person running the command."""


@dataclass
class Restored:
    manifest: dict
    counts: dict[str, int]
    media_files: int


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _media_files(root: Path) -> dict[str, dict]:
    """Each file under `root` (relative path → size and SHA-256)."""
    files = {}
    if not root.is_dir():
        return files
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            files[path.relative_to(root).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": digest.hexdigest(),
            }
    return files


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the default database, for pg_dump and pg_restore."""
    database = settings.DATABASES["default"]
    values = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": str(database.get("PORT") or ""),
    }
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def _run(command: list[str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            f"{command[0]} was not found: install PostgreSQL's client programs "
            f"(apt-get install postgresql-client, the same major version as the server)."
        )
    result = subprocess.run(  # noqa: S603 - our own command line
        [program, *command[1:]], env=_pg_environment(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _sqlite_connection():
    connection.ensure_connection()
    return connection.connection


def backup_create(destination: Path) -> dict:
    """Write a backup into the new directory `destination`; its manifest."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new directory.")
    if not _has_tables():
        raise BackupError("The database has no newsportal tables yet: nothing to back up.")
    destination.mkdir(parents=True)
    taken_at = timezone.now()
    database_file = destination / DATABASE_FILES[vendor]
    try:
        if vendor == "sqlite":
            target = sqlite3.connect(database_file)
            try:
                _sqlite_connection().backup(target)
                counts = _count_rows(target)  # the rows as the copy holds them
            finally:
                target.close()
        else:
            counts = _pg_dump(database_file)
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)  # no half backup left to be trusted
        raise
    media_root = Path(settings.MEDIA_ROOT)
    media = _media_files(media_root)
    with tarfile.open(destination / MEDIA_ARCHIVE, "w") as archive:
        for name in media:
            archive.add(media_root / name, arcname=name, recursive=False)
    manifest = {
        "format": FORMAT,
        "taken_at": taken_at.isoformat(),
        "database": vendor,
        "database_file": database_file.name,
        "database_sha256": _sha256(database_file),
        "counts": counts,
        "media": media,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _has_tables() -> bool:
    tables = set(connection.introspection.table_names())
    return all(apps.get_model(label)._meta.db_table in tables for label in COUNTED)


def _count_rows(database) -> dict[str, int]:
    """The COUNTED rows as `database` (a DB-API connection) sees them."""
    cursor = database.cursor()
    counts = {}
    for label in COUNTED:
        table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - our models' tables
        counts[label] = cursor.fetchone()[0]
    return counts


def _pg_dump(database_file: Path) -> dict[str, int]:
    """pg_dump into `database_file`; the rows its snapshot holds. The snapshot is exported
    from a transaction of our own, which counts the rows in the same snapshot: what is
    written while the dump runs is in neither."""
    snapshot_connection = connection.get_new_connection(connection.get_connection_params())
    try:
        snapshot_connection.autocommit = False
        cursor = snapshot_connection.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(snapshot_connection)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(database_file),
            ]
        )
        snapshot_connection.rollback()
    finally:
        snapshot_connection.close()
    return counts


def read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} is not a newsportal backup: it has no {MANIFEST}.") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{source / MANIFEST} cannot be read: {error}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} was written by another version of the backup command.")
    return manifest


def backup_restore(source: Path) -> Restored:
    """Put the database and media of the backup in `source` back."""
    manifest = read_manifest(source)
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(
            f"This backup holds a {manifest['database']} database and the site runs on "
            f"{vendor}: restore it onto {manifest['database']}."
        )
    database_file = source / manifest["database_file"]
    if not database_file.is_file() or _sha256(database_file) != manifest["database_sha256"]:
        raise BackupError(f"{database_file} is missing or not the file this backup wrote.")
    media_archive = source / MEDIA_ARCHIVE
    if not media_archive.is_file():
        raise BackupError(f"{media_archive} is missing.")

    if vendor == "sqlite":
        backup = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        try:
            backup.backup(_sqlite_connection())
        finally:
            backup.close()
    else:
        for alias in connections:
            connections[alias].close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--dbname",
                settings.DATABASES["default"]["NAME"],
                str(database_file),
            ]
        )

    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media_archive) as archive:
        archive.extractall(media_root, filter="data")
    restored_media = _media_files(media_root)
    damaged = [
        name for name, facts in manifest["media"].items() if restored_media.get(name) != facts
    ]
    if damaged:
        raise BackupError(f"{len(damaged)} media files did not restore as saved: {damaged[:5]}")

    counts = row_counts()
    if counts != manifest["counts"]:
        differences = {
            label: (manifest["counts"].get(label), counts[label])
            for label in counts
            if counts[label] != manifest["counts"].get(label)
        }
        raise BackupError(f"The restored rows differ from the backup's: {differences}")
    # Kept pages and parts show the database as it was before: none may be served again.
    cache.clear()
    purge_now(SITE_WIDE_KEYS)
    return Restored(manifest=manifest, counts=counts, media_files=len(manifest["media"]))
