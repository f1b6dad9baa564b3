"""Backup → wipe → restore drill against the real PostgreSQL: every table and
every document comes back as it was; a tampered archive or a non-empty target
is refused and left untouched."""

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from ops.backup import backup_prune
from tests.factories import partnership_with_data
from tests.workers import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def table_fingerprints(cursor) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of its rows, in a stable order."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    fingerprints = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
            f'FROM "{table}" t'
        )
        fingerprints[table] = cursor.fetchone()
    return fingerprints


def media_files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class EmptyDatabase:
    def __init__(self):
        self.name = f"restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.name}"')
        self.url = database_url().rsplit("/", 1)[0] + f"/{self.name}"

    def connect(self):
        db = connection.settings_dict
        return psycopg2.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
            dbname=self.name,
        )  # fmt: skip

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def restore(archive: Path, target: EmptyDatabase, media: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"DATABASE_URL": target.url, "MEDIA_ROOT": str(media)}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    root = Path(settings.MEDIA_ROOT)
    for index in range(5):
        path = root / "agreements" / f"{index:02x}" / f"document-{index}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(20_000 + index) + b"%%EOF\n")
    (root / "odd name é.pdf").write_bytes(b"%PDF-1.4 tiny\n")
    return root


def test_a_backup_restores_every_row_and_every_document(media, tmp_path, capsys):
    for _ in range(8):
        partnership_with_data()
    with connection.cursor() as cursor:
        before = table_fingerprints(cursor)
    assert before["partnerships_partnership"][0] == 8

    started = time.monotonic()
    call_command("backup", output=tmp_path / "backups")
    took = time.monotonic() - started
    (archive,) = (tmp_path / "backups").glob("accord-*.tar")
    print(f"\nbackup: {archive.stat().st_size:,} bytes in {took:.2f} s", file=sys.stderr)

    target, tampered_target = EmptyDatabase(), EmptyDatabase()
    try:
        started = time.monotonic()
        result = restore(archive, target, tmp_path / "restored-media")
        print(f"restore: {time.monotonic() - started:.2f} s", file=sys.stderr)
        assert result.returncode == 0, result.stderr
        with target.connect() as restored, restored.cursor() as cursor:
            assert table_fingerprints(cursor) == before
        assert media_files(tmp_path / "restored-media") == media_files(media)

        # A second restore into what is now full is refused.
        again = restore(archive, target, tmp_path / "other-media")
        assert again.returncode != 0
        assert "is not empty" in again.stderr

        # One byte changed in one document: refused before anything is touched.
        tampered = tmp_path / "tampered.tar"
        with tarfile.open(archive) as source, tarfile.open(tampered, "w") as out:
            for member in source.getmembers():
                data = source.extractfile(member).read()
                if member.name.endswith("document-2.pdf"):
                    data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
                out.addfile(member, io.BytesIO(data))
        refused = restore(tampered, tampered_target, tmp_path / "tampered-media")
        assert refused.returncode != 0
        assert "media/agreements/02/document-2.pdf: checksum does not match" in refused.stderr
        with tampered_target.connect() as untouched, untouched.cursor() as cursor:
            assert table_fingerprints(cursor) == {}
        assert not (tmp_path / "tampered-media").exists()
    finally:
        target.drop()
        tampered_target.drop()


def test_an_archive_that_is_not_a_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all")
    target = EmptyDatabase()
    try:
        result = restore(junk, target, tmp_path / "media")
        assert result.returncode != 0
        assert "not a readable backup archive" in result.stderr
    finally:
        target.drop()


def test_the_scheduled_backup_keeps_the_newest(settings, media, tmp_path):
    from ops.backup import scheduled_backup

    settings.ACCORD_BACKUP_DIR = str(tmp_path / "nightly")
    settings.ACCORD_BACKUP_KEEP = 2
    written = [scheduled_backup() for _ in range(3)]
    kept = sorted(str(p) for p in (tmp_path / "nightly").glob("accord-*.tar"))
    assert kept == written[1:]
    assert backup_prune(directory=tmp_path / "nightly", keep=2) == []


def test_the_scheduled_backup_is_off_without_a_folder(settings):
    from ops.backup import scheduled_backup

    settings.ACCORD_BACKUP_DIR = ""
    assert scheduled_backup() is None


def test_an_archive_is_readable_by_its_owner_only(settings, tmp_path):
    # It holds the whole database and every document: with the usual umask it
    # was readable by every account on the machine.
    from ops.backup import scheduled_backup

    settings.ACCORD_BACKUP_DIR = str(tmp_path / "nightly")
    umask = os.umask(0o022)
    try:
        archive = Path(scheduled_backup())
    finally:
        os.umask(umask)
    assert archive.stat().st_mode & 0o777 == 0o600


def test_a_first_migrate_builds_an_empty_database():
    """A fresh machine's first step (`make run`, a deployment): `migrate` runs the
    database's system checks before it has made a table; none may read one."""
    target = EmptyDatabase()
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=os.environ | {"DATABASE_URL": target.url},
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        with target.connect() as db, db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM partnerships_partnershiplead")
            assert cursor.fetchone() == (0,)
    finally:
        target.drop()
