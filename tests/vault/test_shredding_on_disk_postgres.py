"""The database administrator's attack on PostgreSQL: after a request is closed and shredded,
read the cluster's table files and WAL for every copy of the wrapped data key and try every
key the deployment still has. While the request's epoch lives, a copy still opens (that is the
stated window); once the epoch's key is destroyed, nothing does."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from sidebar.org.models import Agency
from sidebar.support import services as support
from sidebar.vault import services as vault
from sidebar.vault.models import DataKey, Epoch
from tests.factories import make_cast
from tests.vault.forensics import candidates, keys_left, opened

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's own files: PostgreSQL only"),
]

NAME_EMAIL_PHONE = ("jorunn.testperson@example.gov", "555-0100-4242")


def checkpoint_and_read(since: float) -> bytes:
    """Force every change to disk, then read this database's table files and the WAL segments
    written since ``since``: what a copy of the data directory (or a replica fed by the WAL,
    or a base backup) would hold."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SHOW data_directory")
        data_directory = Path(cursor.fetchone()[0])
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        database_oid = cursor.fetchone()[0]
    folders = [data_directory / "base" / str(database_oid), data_directory / "pg_wal"]
    try:
        files = [path for folder in folders for path in folder.iterdir() if path.is_file()]
        wal = [path for path in files if path.parent.name == "pg_wal" and path.stat().st_mtime >= since - 5]
        heap = [path for path in files if path.parent.name != "pg_wal"]
        return b"".join(path.read_bytes() for path in heap + wal)
    except (PermissionError, FileNotFoundError) as exc:
        pytest.skip(
            f"the cluster's files at {data_directory} cannot be read by this test ({exc}): run as root on the database host"
        )


def test_a_shredded_request_cannot_be_recovered_from_the_table_files_or_the_wal(settings, tmp_path):
    store = tmp_path / "keys"
    settings.SIDEBAR_KEY_STORE = f"file://{store}"
    started = time.time()
    cast = make_cast()
    Agency.objects.update(identity_retention_days=0)
    email, phone = NAME_EMAIL_PHONE
    asked = support.ask_for_myself(
        user=cast.staff,
        person=cast.staff.person,
        urgency="routine",
        kind="post_crisis",
        topics=["grief"],
        email=email,
        phone=phone,
        preferred_times="evenings",
    )
    key = DataKey.objects.get(pk=asked.data_key_id)
    support.close(support_request=asked, by=cast.team_leader)
    assert vault.shred_due(now=timezone.now() + datetime.timedelta(seconds=1)) == 1
    key.refresh_from_db()
    assert key.wrapped is None

    markers = [key.pk.bytes]
    on_disk = checkpoint_and_read(started)
    copies = candidates(on_disk, markers)
    # The finding: deleting is not destroying. Old copies are still in the files and the
    # WAL, and the epoch key (still alive) opens them — but the master key does not.
    assert opened(copies, keys_left([], store), key.pk), "the scan must find the copies the database kept"
    assert not opened(copies, settings.SIDEBAR_MASTER_KEYS.values(), key.pk)

    epoch = Epoch.objects.get(pk=key.epoch_id)
    run = vault.rotate_epochs(now=epoch.ends_at + datetime.timedelta(minutes=1))
    assert run.destroyed >= 1
    assert not (store / f"{epoch.key_name}.key").exists()

    on_disk = checkpoint_and_read(started)
    copies = candidates(on_disk, markers)
    left = keys_left(settings.SIDEBAR_MASTER_KEYS.values(), store)
    assert len(left) >= 2  # the master key and the new current epoch's key
    assert opened(copies, left, key.pk) == [], "a key the deployment still has opens a shredded identity"
    # (the name is in the staff roster by design; the contact details only ever in the vault)
    assert email.encode() not in on_disk and phone.encode() not in on_disk
