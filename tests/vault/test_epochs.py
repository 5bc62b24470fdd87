"""Data keys are wrapped by epoch keys that live in the key store, never in the database; an
ended epoch's live keys move on before its key is destroyed."""

from __future__ import annotations

import datetime
import os
import stat

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from sidebar.vault import crypto, services
from sidebar.vault.keystore import FileKeyStore
from sidebar.vault.models import DataKey, Epoch
from tests.vault.forensics import opened
from tests.vault.legacy import legacy_key

pytestmark = pytest.mark.django_db

OWNER = ("support.request", "9a1c7e0e-0000-4000-8000-0000000000e1")


@pytest.fixture
def store(settings, tmp_path):
    settings.SIDEBAR_KEY_STORE = f"file://{tmp_path}/keys"
    return tmp_path / "keys"


def after(epoch: Epoch, **delta: float) -> datetime.datetime:
    return epoch.ends_at + datetime.timedelta(**(delta or {"minutes": 1}))


def test_a_new_data_key_is_wrapped_by_the_epoch_key_in_the_store_not_by_the_master_key(settings, store):
    key = services.create_key()
    services.store(key=key, owner=OWNER, values={"name": "Odalys Fernhill"})
    epoch_file = store / f"{key.epoch.key_name}.key"
    assert epoch_file.read_bytes() not in b"".join(bytes(k.wrapped) for k in DataKey.objects.all())
    assert opened([bytes(key.wrapped)], settings.SIDEBAR_MASTER_KEYS.values(), key.pk) == []
    assert len(opened([bytes(key.wrapped)], [epoch_file.read_bytes()], key.pk)) == 1
    assert stat.S_IMODE(epoch_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.stat().st_mode) == 0o700


def test_epochs_follow_a_fixed_grid_and_bound_the_delay_to_seven_days(settings, store):
    now = timezone.now()
    epoch = services.current_epoch(now=now)
    assert epoch.starts_at <= now < epoch.ends_at
    assert epoch.ends_at - epoch.starts_at == datetime.timedelta(days=settings.SIDEBAR_EPOCH_DAYS)
    assert services.current_epoch(now=now + datetime.timedelta(hours=1)).pk == epoch.pk
    assert services.unrecoverable_within() <= datetime.timedelta(days=7)


def test_a_request_open_across_an_epoch_boundary_survives_the_old_epochs_destruction(store, cast):
    open_key = services.create_key(holder=cast.staff)
    services.store(key=open_key, owner=OWNER, values={"name": "Odalys Fernhill", "phone": "555-0177"})
    first = open_key.epoch
    old_copy = bytes(open_key.wrapped)

    run = services.rotate_epochs(now=after(first))

    assert run.rewrapped == 1 and run.destroyed == 1
    assert not (store / f"{first.key_name}.key").exists()
    first.refresh_from_db()
    assert first.destroyed_at is not None
    open_key.refresh_from_db()
    assert open_key.epoch_id != first.pk
    values = services.reveal(key=open_key, owner=OWNER, fields=["name", "phone"], actor=cast.peer)
    assert values == {"name": "Odalys Fernhill", "phone": "555-0177"}
    assert open_key.holder_tag in services.holder_tags(cast.staff.pk)  # the asker still finds it
    # the copy the database kept from the first epoch opens with nothing that is left
    left = [path.read_bytes() for path in store.glob("*.key")]
    assert opened([old_copy], left, open_key.pk) == []
    # and it survives the next boundary too
    services.rotate_epochs(now=after(open_key.epoch))
    open_key.refresh_from_db()
    assert services.reveal(key=open_key, owner=OWNER, fields=["name"], actor=cast.peer) == {"name": "Odalys Fernhill"}


def test_the_epoch_job_shreds_what_is_due_and_moves_what_is_closed_but_not_yet_due(store):
    due, waiting = services.create_key(), services.create_key()
    epoch = due.epoch
    services.schedule_shredding(key=due, closed_at=epoch.starts_at, retention_days=0)
    services.schedule_shredding(key=waiting, closed_at=epoch.ends_at, retention_days=30)

    run = services.rotate_epochs(now=after(epoch))

    assert (run.shredded, run.rewrapped) == (1, 1)
    due.refresh_from_db()
    waiting.refresh_from_db()
    assert due.is_shredded and due.epoch_id == epoch.pk
    assert not waiting.is_shredded and waiting.epoch_id != epoch.pk
    assert services.rotate_epochs(now=after(epoch)) == services.EpochRun(shredded=0, rewrapped=0, destroyed=0)


def test_each_request_has_its_own_holder_tag_and_shredding_erases_it(store, cast):
    first, second = services.create_key(holder=cast.staff), services.create_key(holder=cast.staff)
    other = services.create_key(holder=cast.peer)
    assert len({first.holder_tag, second.holder_tag, other.holder_tag}) == 3
    assert {first.holder_tag, second.holder_tag} <= set(services.holder_tags(cast.staff.pk))
    assert other.holder_tag not in services.holder_tags(cast.staff.pk)
    services.shred(key=first)
    first.refresh_from_db()
    assert first.holder_tag == ""
    assert second.holder_tag in services.holder_tags(cast.staff.pk)


def test_keys_from_before_epochs_move_under_an_epoch_and_the_master_key_can_then_be_replaced(settings, store, cast):
    from tests.vault.test_vault import master, settings_keys

    settings.SIDEBAR_MASTER_KEYS = settings_keys(master("old"))
    legacy = legacy_key(holder=cast.staff)
    services.store(key=legacy, owner=OWNER, values={"name": "Odalys Fernhill"})
    assert legacy.holder_tag in services.holder_tags(cast.staff.pk)

    call_command("vault", "adopt-epochs")

    settings.SIDEBAR_MASTER_KEYS = settings_keys(master("new"))  # the old master key destroyed
    legacy.refresh_from_db()
    assert legacy.epoch_id is not None and legacy.master_key_id == ""
    assert legacy.holder_tag in services.holder_tags(cast.staff.pk)
    assert services.reveal(key=legacy, owner=OWNER, fields=["name"], actor=cast.peer) == {"name": "Odalys Fernhill"}
    assert services.master_key_problems() == []
    assert services.adopt_epochs() == 0


def test_a_key_for_an_epoch_that_never_committed_is_destroyed_after_a_day(store):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_key()  # the person's submission failed: its rows may still be in the WAL
        raise RuntimeError
    assert not Epoch.objects.exists()
    (orphan,) = store.glob("*.key")
    services.rotate_epochs()
    assert orphan.exists()  # it might belong to a transaction still running
    a_day_ago = (timezone.now() - datetime.timedelta(days=1, minutes=1)).timestamp()
    os.utime(orphan, (a_day_ago, a_day_ago))
    services.rotate_epochs()
    assert not orphan.exists()


def test_the_file_store_keeps_the_first_key_written_and_destroys_durably(tmp_path):
    store = FileKeyStore(tmp_path / "keys")
    name = "0" * 32
    store.create(name)
    first = store.key(name)
    store.create(name)  # a second host racing: the first key stays
    assert store.key(name) == first and len(first) == crypto.KEY_BYTES
    token = store.wrap(name, b"k" * 32, associated_data=b"ctx")
    assert store.unwrap(name, token, associated_data=b"ctx") == b"k" * 32
    store.destroy(name)
    store.destroy(name)  # idempotent
    assert list((tmp_path / "keys").iterdir()) == []
    with pytest.raises(services.EpochKeyMissing):
        store.unwrap(name, token, associated_data=b"ctx")


def test_a_database_restored_after_its_epoch_key_was_destroyed_shreds_instead_of_failing(store):
    """A backup from before an epoch's end, restored after its key was destroyed: the app starts,
    and the epoch job records those identities as what they are, gone."""
    key = services.create_key()
    epoch = key.epoch
    FileKeyStore(store).destroy(epoch.key_name)  # what the live store looks like after that epoch
    assert "is not in the key store" in services.master_key_problems()[0]  # while it should be live
    assert services.master_key_problems(now=after(epoch)) == []
    run = services.rotate_epochs(now=after(epoch))
    key.refresh_from_db()
    assert run.shredded == 1 and key.is_shredded
