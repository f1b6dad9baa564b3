"""Backup and restore: one tar archive holding a `pg_dump -Fc` of the database,
the documents under MEDIA_ROOT, and a manifest of their SHA-256 checksums.

    manifest.json        {"format": 1, "created_at", "postgresql", "files": {name: sha256}}
    database.dump        pg_dump's custom format (compressed, restored by pg_restore)
    media/<path>         every file under MEDIA_ROOT, byte for byte

The database is dumped first and the documents copied after, so every document
the dump names is in the archive (an upload in between adds a file no row
names yet, which is harmless). A restore checks every checksum before it
touches anything, and only ever fills an empty database and media folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tooling.servers import find_pg_bindir

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
ARCHIVE_GLOB = "accord-*.tar"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# --- PostgreSQL's tools -------------------------------------------------------------


def server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore of the server's major version: a dump taken or
    restored by another version may not restore, or not at all."""
    major = server_major()
    bindir = find_pg_bindir(str(major))
    tool = str(bindir / name) if bindir else shutil.which(name)
    if tool is None or not Path(tool).exists():
        raise BackupError(f"{name} for PostgreSQL {major} not found: set PG_BINDIR.")
    version = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    found = version.split()[-1].split(".")[0] if version else "?"
    if found != str(major):
        raise BackupError(
            f"{tool} is version {found}, the server {major}: set PG_BINDIR to its binaries."
        )
    return tool


def pg_environment() -> dict[str, str]:
    """libpq's variables for the default database: no password on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": db["HOST"] or "",
        "PGPORT": str(db["PORT"] or ""),
        "PGUSER": db["USER"] or "",
        "PGPASSWORD": db["PASSWORD"] or "",
        "PGDATABASE": db["NAME"],
        "PGCONNECT_TIMEOUT": "10",
    }
    env.update({name: value for name, value in values.items() if value})
    return env


def run_pg_tool(args: list[str], what: str) -> None:
    result = subprocess.run(
        args, env=pg_environment(), capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


# --- checksums -----------------------------------------------------------------------


class HashingReader(io.RawIOBase):
    """A file that hashes what is read from it (tarfile reads each member once)."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


# --- backup --------------------------------------------------------------------------


def backup_create(*, output_dir: Path) -> Path:
    """Write accord-<UTC time>.tar into output_dir and return its path. The
    archive appears under its name only once complete."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = output_dir / f"accord-{stamp}.tar"
    partial = archive.with_suffix(".tar.partial")
    dump_tool = pg_tool("pg_dump")
    files: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(dir=output_dir) as tmp:
            dump = Path(tmp) / DUMP
            run_pg_tool(
                [dump_tool, "--format=custom", "--no-owner", "--no-privileges", "-f", str(dump)],
                "pg_dump",
            )
            # The whole database (password hashes, second-factor secrets, people's
            # data) and every document: for the owner only, whatever the umask.
            handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(handle, 0o600)
            with (
                os.fdopen(handle, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
            ):
                _add_file(tar, dump, DUMP, files)
                media_root = Path(settings.MEDIA_ROOT)
                if media_root.is_dir():
                    for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                        name = str(PurePosixPath(MEDIA, *path.relative_to(media_root).parts))
                        _add_file(tar, path, name, files)
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "postgresql": connection.pg_version,
                    "files": files,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
        partial.rename(archive)
    finally:
        partial.unlink(missing_ok=True)
    return archive


def _add_file(tar: tarfile.TarFile, path: Path, name: str, files: dict[str, str]) -> None:
    with open(path, "rb") as handle:
        info = tar.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = HashingReader(handle)
        tar.addfile(info, reader)
    files[name] = reader.digest.hexdigest()


def backup_prune(*, directory: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest archives (their names sort by time)."""
    archives = sorted(directory.glob(ARCHIVE_GLOB))
    removed = archives[: max(len(archives) - keep, 0)]
    for path in removed:
        path.unlink()
    return removed


def scheduled_backup() -> str | None:
    """The nightly backup, when ACCORD_BACKUP_DIR is set."""
    if not settings.ACCORD_BACKUP_DIR:
        return None
    directory = Path(settings.ACCORD_BACKUP_DIR)
    archive = backup_create(output_dir=directory)
    removed = backup_prune(directory=directory, keep=max(settings.ACCORD_BACKUP_KEEP, 1))
    logger.info(
        "Backup %s written (%d bytes); %d old one(s) removed",
        archive.name,
        archive.stat().st_size,
        len(removed),
    )
    return str(archive)


# --- restore -------------------------------------------------------------------------


def backup_verify(archive: Path) -> dict:
    """The archive's manifest, once every member's checksum matches it and no
    member is missing, extra, or anything but a plain file at a plain path."""
    try:
        tar = tarfile.open(archive, "r:")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    with tar:
        members = tar.getmembers()
        by_name = {member.name: member for member in members}
        if MANIFEST not in by_name:
            raise BackupError(f"{archive} has no {MANIFEST}: not an Accord backup.")
        try:
            manifest = json.load(tar.extractfile(by_name[MANIFEST]))
            expected = dict(manifest["files"])
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"The manifest of {archive} is unreadable.") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive} has format {manifest.get('format')}, not {FORMAT}.")
        problems = []
        for member in members:
            if member.name == MANIFEST:
                continue
            path = PurePosixPath(member.name)
            if not member.isfile() or path.is_absolute() or ".." in path.parts:
                problems.append(f"{member.name}: not a plain file at a plain path")
            elif member.name not in expected:
                problems.append(f"{member.name}: not in the manifest")
            elif sha256_of(tar.extractfile(member)) != expected[member.name]:
                problems.append(f"{member.name}: checksum does not match")
        problems += [f"{name}: missing" for name in expected if name not in by_name]
        if DUMP not in expected:
            problems.append(f"{DUMP}: missing")
    if problems:
        listed = "\n  ".join(problems[:20])
        raise BackupError(f"{archive} does not match its manifest; nothing restored:\n  {listed}")
    return manifest


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg_toast%%'
            """
        )
        return cursor.fetchone()[0] == 0


def backup_restore(*, archive: Path) -> dict:
    """Restore an archive into the (empty) database and (empty) MEDIA_ROOT."""
    manifest = backup_verify(archive)
    media_root = Path(settings.MEDIA_ROOT)
    if not database_is_empty():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty; a restore only "
            "fills an empty one. Create a new, empty database (or drop and recreate this "
            "one) and try again."
        )
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"The media folder {media_root} is not empty; a restore only fills an empty one."
        )
    restore_tool = pg_tool("pg_restore")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:") as tar, tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DUMP
        with tar.extractfile(DUMP) as source, open(dump, "wb") as target:
            shutil.copyfileobj(source, target)
        run_pg_tool(
            [
                restore_tool,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                connection.settings_dict["NAME"],
                str(dump),
            ],
            "pg_restore",
        )
        # The checksums were checked above; the documents land in a folder
        # beside MEDIA_ROOT first, so a failure leaves MEDIA_ROOT empty.
        staging = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=".restore-"))
        try:
            for name in manifest["files"]:
                if name == DUMP:
                    continue
                relative = PurePosixPath(name).relative_to(MEDIA)
                target = staging.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(name) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
            for entry in staging.iterdir():
                entry.rename(media_root / entry.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return manifest
