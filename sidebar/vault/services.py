"""The vault's use cases: create a key, seal and reveal identity, shred, rotate, report.

Every reveal writes an audit event in the same transaction; there is no way to read a sealed
value that skips it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.vault import crypto
from sidebar.vault.models import DataKey, SealedValue

# The only identifying values the vault accepts, with the plain words the privacy page uses.
IDENTITY_FIELDS: dict[str, str] = {
    "person": "the link to your staff record, when you ask while signed in",
    "name": "your name, when you give it",
    "email": "the e-mail address you want to be reached at",
    "phone": "the phone number you want to be reached at",
    "preferred_times": "when you would like to be contacted",
    "message": "the messages of an anonymous ticket (they are the conversation itself, not notes)",
    "disclosure_note": "one short note on a confidentiality exception decision, readable by the clinical advisor and team leader only",
}


logger = logging.getLogger(__name__)


class IdentityUnavailable(Exception):
    """The identity was shredded (or the record is not what it claims to be)."""


class MasterKeyMissing(Exception):
    """A data key is wrapped by a master key this deployment was not given."""


def owner_label(obj: models.Model | tuple[str, Any]) -> str:
    """``app.model:id`` — the associated data that ties a value to its record."""
    if isinstance(obj, tuple):
        label, pk = obj
        return f"{label}:{pk}"
    return f"{obj._meta.label_lower}:{obj.pk}"


def _current_master() -> tuple[str, bytes]:
    key_id, key = next(iter(settings.SIDEBAR_MASTER_KEYS.items()))
    return key_id, key


def _wrap_context(data_key: DataKey) -> bytes:
    return f"sidebar.datakey:{data_key.pk}".encode()


def _unwrap(data_key: DataKey) -> bytes:
    if data_key.wrapped is None:
        raise IdentityUnavailable("this identity was shredded")
    master = settings.SIDEBAR_MASTER_KEYS.get(data_key.master_key_id)
    if master is None:
        raise MasterKeyMissing(
            f"data key {data_key.pk} is wrapped by master key {data_key.master_key_id!r}, "
            "which is not in SIDEBAR_MASTER_KEY"
        )
    try:
        return crypto.decrypt(master, bytes(data_key.wrapped), associated_data=_wrap_context(data_key))
    except crypto.DecryptionFailed as exc:
        raise MasterKeyMissing(
            f"master key {data_key.master_key_id!r} in SIDEBAR_MASTER_KEY is not the one that wrapped data key {data_key.pk}"
        ) from exc


def _tag(master: bytes, account_id: Any) -> str:
    tag_key = hmac.new(master, b"sidebar.holder-tag.v1", hashlib.sha256).digest()
    return hmac.new(tag_key, str(account_id).encode(), hashlib.sha256).hexdigest()


def holder_tags(account_id: Any) -> list[str]:
    """The tags ``account_id`` may appear under: one per configured master key, so that requests
    tagged before a rotation are still found while the old key is configured."""
    return [_tag(master, account_id) for master in settings.SIDEBAR_MASTER_KEYS.values()]


def create_key(*, holder: Any = None) -> DataKey:
    """A fresh random 256-bit data key, stored only wrapped by the current master key; ``holder``
    (an account) can later find it through ``holder_tags`` until it is shredded."""
    key_id, master = _current_master()
    data_key = DataKey(holder_tag=_tag(master, holder.pk) if holder is not None else "")
    data_key.wrapped = crypto.encrypt(master, crypto.new_key(), associated_data=_wrap_context(data_key))
    data_key.master_key_id = key_id
    data_key.save(force_insert=True)
    return data_key


def seal(*, key: DataKey, owner: models.Model | tuple[str, Any], field: str, value: str) -> bytes:
    """Encrypt one value for ``owner``'s ``field`` (the two are bound in as associated data)."""
    context = f"{owner_label(owner)}|{field}".encode()
    return crypto.encrypt(_unwrap(key), value.encode(), associated_data=context)


@transaction.atomic
def store(*, key: DataKey, owner: models.Model | tuple[str, Any], values: Mapping[str, str]) -> None:
    """Seal and keep identifying values; empty values are not stored at all."""
    label = owner_label(owner)
    unknown = set(values) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"The vault keeps only the listed identity fields, not {sorted(unknown)}")
    for field, value in values.items():
        if not value:
            SealedValue.objects.filter(owner=label, field=field).delete()
            continue
        token = seal(key=key, owner=owner, field=field, value=value)
        SealedValue.objects.update_or_create(owner=label, field=field, defaults={"key": key, "token": token})


def open_token(*, key: DataKey, owner: models.Model | tuple[str, Any], field: str, token: bytes) -> str:
    """Decrypt one token. Private to the vault's own reveal functions and its tests."""
    context = f"{owner_label(owner)}|{field}".encode()
    try:
        return crypto.decrypt(_unwrap(key), bytes(token), associated_data=context).decode()
    except crypto.DecryptionFailed as exc:
        raise IdentityUnavailable("the value does not belong to this record") from exc


@transaction.atomic
def reveal(
    *,
    key: DataKey,
    owner: models.Model | tuple[str, Any],
    fields: Iterable[str],
    actor: Any,
    request: HttpRequest | None = None,
) -> dict[str, str]:
    """Decrypt the asked-for fields of ``owner`` for ``actor``, and audit the read (one event,
    naming the fields — never their values). A shredded identity raises IdentityUnavailable."""
    wanted = list(fields)
    label = owner_label(owner)
    tokens = dict(SealedValue.objects.filter(owner=label, field__in=wanted).values_list("field", "token"))
    if key.is_shredded:
        raise IdentityUnavailable("this identity was shredded")
    values = {field: open_token(key=key, owner=owner, field=field, token=bytes(tokens[field])) for field in tokens}
    record(
        action=Action.IDENTITY_READ,
        actor=actor,
        object_type=label.partition(":")[0],
        object_id=label.partition(":")[2],
        detail=",".join(sorted(values))[:60],
        request=request,
    )
    return values


@transaction.atomic
def shred(*, key: DataKey, actor: Any = None, reason: str = "retention") -> None:
    """Destroy the data key and every value sealed under it. Irreversible by design."""
    if key.is_shredded:
        return
    SealedValue.objects.filter(key=key).delete()
    DataKey.objects.filter(pk=key.pk).update(wrapped=None, master_key_id="", holder_tag="", shredded_at=timezone.now())
    key.wrapped, key.master_key_id, key.holder_tag = None, "", ""
    transaction.on_commit(reclaim_deleted_bytes)
    record(action=Action.IDENTITY_SHREDDED, actor=actor, obj=key, detail=reason)


def reclaim_deleted_bytes() -> None:
    """After a shredding commits, make the database forget the old bytes now rather than some
    day: SQLite keeps recent pages in its write-ahead log until a checkpoint truncates it;
    PostgreSQL keeps dead row versions until VACUUM. (Backups taken before remain: see
    docs/deploy.md on backup retention.)"""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            elif connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute("VACUUM vault_datakey, vault_sealedvalue")
    except DatabaseError:
        logger.warning("could not reclaim the bytes of shredded keys now; the database will later")


def schedule_shredding(*, key: DataKey, closed_at: datetime.datetime, retention_days: int) -> None:
    """When a request closes, its identity is due ``retention_days`` later (0: at the next run)."""
    key.shred_after = closed_at + datetime.timedelta(days=retention_days)
    key.save(update_fields=["shred_after"])


def shred_due(*, now: datetime.datetime | None = None) -> int:
    """Shred every identity whose retention has run out. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    due = DataKey.objects.filter(shredded_at__isnull=True, shred_after__lte=now)
    count = 0
    for key in due.iterator(chunk_size=500):
        shred(key=key, reason="retention")
        count += 1
    return count


@transaction.atomic
def rotate(*, actor: Any = None) -> int:
    """Re-wrap every live data key with the current (first) master key. Afterwards the older
    master keys can be removed from SIDEBAR_MASTER_KEY."""
    key_id, master = _current_master()
    rewrapped = 0
    live = DataKey.objects.select_for_update().filter(wrapped__isnull=False).exclude(master_key_id=key_id)
    for data_key in live.iterator(chunk_size=500):
        plain = _unwrap(data_key)
        data_key.wrapped = crypto.encrypt(master, plain, associated_data=_wrap_context(data_key))
        data_key.master_key_id = key_id
        data_key.save(update_fields=["wrapped", "master_key_id"])
        rewrapped += 1
    record(action=Action.MASTER_KEY_ROTATED, actor=actor, object_type="vault.datakey", detail=f"to={key_id}")
    return rewrapped


@dataclass(frozen=True)
class VaultStatus:
    live: int
    shredded: int
    due: int
    by_master_key: dict[str, int]


def status(*, now: datetime.datetime | None = None) -> VaultStatus:
    now = now or timezone.now()
    live = DataKey.objects.filter(wrapped__isnull=False)
    by_master = dict(live.values_list("master_key_id").annotate(n=models.Count("pk")).values_list("master_key_id", "n"))
    return VaultStatus(
        live=live.count(),
        shredded=DataKey.objects.filter(wrapped__isnull=True).count(),
        due=live.filter(shred_after__lte=now).count(),
        by_master_key=by_master,
    )


def master_key_problems() -> list[str]:
    """Why the configured master keys cannot open the live data keys, if they cannot: one
    sample key per master key id is unwrapped, which catches a missing and a wrong key."""
    problems = []
    for key_id in DataKey.objects.filter(wrapped__isnull=False).values_list("master_key_id", flat=True).distinct():
        sample = DataKey.objects.filter(wrapped__isnull=False, master_key_id=key_id).first()
        if sample is None:
            continue
        try:
            _unwrap(sample)
        except MasterKeyMissing as exc:
            problems.append(str(exc))
    return problems
