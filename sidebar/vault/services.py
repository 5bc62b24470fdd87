"""The vault's use cases: create a key, seal and reveal identity, shred, move data keys from
ending epochs and destroy those epochs' keys, adopt keys from before epochs, rotate, report.

Every reveal writes an audit event in the same transaction; there is no way to read a sealed
value that skips it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.vault import crypto
from sidebar.vault.keystore import EpochKeyMissing, FileKeyStore, KeyStore, key_store
from sidebar.vault.models import DataKey, Epoch, SealedValue

# The only identifying values the vault accepts, with the plain words the privacy page uses.
IDENTITY_FIELDS: dict[str, str] = {
    "person": "the link to your staff record, when you ask while signed in",
    "name": "your name, when you give it",
    "email": "the e-mail address you want to be reached at",
    "phone": "the phone number you want to be reached at",
    "preferred_times": "when you would like to be contacted",
    "message": "the messages of an anonymous ticket (they are the conversation itself, not notes)",
    "disclosure_note": "one short note (at most 280 characters) on a disclosure, readable only by the clinical advisor and team leader who took part in the exception",
}


logger = logging.getLogger(__name__)


class IdentityUnavailable(Exception):
    """The identity was shredded (or the record is not what it claims to be)."""


class IdentityHeld(Exception):
    """The identity is held while a confidentiality exception is considered: it cannot be shredded."""


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


# --- epochs ---------------------------------------------------------------------------------
# Epochs follow a fixed grid (not the moment of the first request), so an epoch's start says
# nothing about when anyone asked.
_GRID_ORIGIN = datetime.datetime(2000, 1, 3, tzinfo=datetime.UTC)  # a Monday


def epoch_length() -> datetime.timedelta:
    return datetime.timedelta(days=settings.SIDEBAR_EPOCH_DAYS)


def unrecoverable_within() -> datetime.timedelta:
    """The worst case between "due for shredding" and "no copy anywhere can be opened": the
    data key sits in the epoch current when it became due, whose key the hourly job destroys
    at most one epoch and one run later (the privacy page and docs/privacy.md state it)."""
    return epoch_length() + SCHEDULE_INTERVAL


SCHEDULE_INTERVAL = datetime.timedelta(hours=1)  # how often sidebar/schedules.py runs the epoch job


def current_epoch(*, now: datetime.datetime | None = None) -> Epoch:
    """The epoch whose key wraps new data keys now, created (row and key) when there is none.
    Two hosts creating one at the same moment make two epochs: harmless, both end on time."""
    now = now or timezone.now()
    epoch = (
        Epoch.objects.filter(destroyed_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
        .order_by("starts_at", "pk")
        .first()
    )
    if epoch is None:
        length = epoch_length()
        starts_at = _GRID_ORIGIN + ((now - _GRID_ORIGIN) // length) * length
        epoch = Epoch.objects.create(starts_at=starts_at, ends_at=starts_at + length)
        key_store().create(epoch.key_name)
    return epoch


def _lock_current_epoch() -> Epoch:
    """The current epoch, locked against its destruction until the caller commits, so a data
    key is never wrapped under a key that the epoch job is about to destroy."""
    for _attempt in range(3):
        epoch = current_epoch()
        locked = Epoch.objects.select_for_update(no_key=True).filter(pk=epoch.pk, destroyed_at__isnull=True).first()
        if locked is not None:
            return locked
    raise RuntimeError("no live epoch could be locked")  # pragma: no cover (needs three races in a row)


def _unwrap(data_key: DataKey) -> bytes:
    if data_key.wrapped is None:
        raise IdentityUnavailable("this identity was shredded")
    if data_key.epoch_id is not None:
        try:
            return key_store().unwrap(
                data_key.epoch_id.hex, bytes(data_key.wrapped), associated_data=_wrap_context(data_key)
            )
        except crypto.DecryptionFailed as exc:
            raise EpochKeyMissing(
                f"the key store's key for epoch {data_key.epoch_id.hex} is not the one that wrapped data key {data_key.pk}"
            ) from exc
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


def _legacy_tag(master: bytes, account_id: Any) -> str:
    tag_key = hmac.new(master, b"sidebar.holder-tag.v1", hashlib.sha256).digest()
    return hmac.new(tag_key, str(account_id).encode(), hashlib.sha256).hexdigest()


def _tag(data_key: bytes, account_id: Any) -> str:
    """The holder tag of one request: keyed by that request's own data key, so it differs from
    request to request, and after shredding nothing (not the master key) can recompute it."""
    tag_key = hmac.new(data_key, b"sidebar.holder-tag.v2", hashlib.sha256).digest()
    return hmac.new(tag_key, str(account_id).encode(), hashlib.sha256).hexdigest()


def holder_tags(account_id: Any) -> list[str]:
    """The tags of ``account_id``'s live requests (use as ``data_key__holder_tag__in``). Each
    tag needs its own data key, so this unwraps every live tagged key: a few microseconds each.
    Keys not yet moved to epochs (``vault adopt-epochs``) still carry a tag per master key."""
    tags = [_legacy_tag(master, account_id) for master in settings.SIDEBAR_MASTER_KEYS.values()]
    tagged = DataKey.objects.filter(wrapped__isnull=False, epoch__isnull=False).exclude(holder_tag="")
    store = _CachingStore(key_store())
    for data_key in tagged.only("pk", "wrapped", "epoch_id", "holder_tag").iterator(chunk_size=1000):
        if data_key.epoch_id is None or data_key.wrapped is None:  # excluded by the query
            continue
        try:
            plain = store.unwrap(
                data_key.epoch_id.hex, bytes(data_key.wrapped), associated_data=_wrap_context(data_key)
            )
        except (EpochKeyMissing, crypto.DecryptionFailed):
            continue  # reported by the start-up check, not here
        if hmac.compare_digest(_tag(plain, account_id), data_key.holder_tag):
            tags.append(data_key.holder_tag)
    return tags


class _CachingStore:
    """Reads each epoch's key once per call of ``holder_tags`` (never kept beyond it)."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self.keys: dict[str, bytes | None] = {}

    def unwrap(self, name: str, token: bytes, *, associated_data: bytes) -> bytes:
        if isinstance(self.store, FileKeyStore):
            if name not in self.keys:
                try:
                    self.keys[name] = self.store.key(name)
                except EpochKeyMissing:
                    self.keys[name] = None
            key = self.keys[name]
            if key is None:
                raise EpochKeyMissing(name)
            return crypto.decrypt(key, token, associated_data=associated_data)
        return self.store.unwrap(name, token, associated_data=associated_data)


@transaction.atomic
def create_key(*, holder: Any = None) -> DataKey:
    """A fresh random 256-bit data key, stored only wrapped by the current epoch's key; ``holder``
    (an account) can later find it through ``holder_tags`` until it is shredded."""
    epoch = _lock_current_epoch()
    plain = crypto.new_key()
    data_key = DataKey(epoch=epoch, holder_tag=_tag(plain, holder.pk) if holder is not None else "")
    data_key.wrapped = key_store().wrap(epoch.key_name, plain, associated_data=_wrap_context(data_key))
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


# --- task: issue 16, section 1: what outlives a shredding is de-identified with it ---
AfterShred = Callable[[DataKey], None]
_after_shred: list[AfterShred] = []


def after_shred(hook: AfterShred) -> AfterShred:
    """Register what must happen to the rows around a data key when its identity is shredded, in
    the same transaction (the support app coarsens its request's times and drops what could single
    the person out: sidebar/support/residue.py). The vault imports no app above it."""
    if hook not in _after_shred:
        _after_shred.append(hook)
    return hook


def _start_of_utc_month(moment: datetime.datetime) -> datetime.datetime:
    utc = moment.astimezone(datetime.UTC)
    return utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


# --- end task ---


@transaction.atomic
def shred(*, key: DataKey, actor: Any = None, reason: str = "retention") -> None:
    """Destroy the data key and every value sealed under it, and de-identify what remains around
    it (the after-shred hooks). Irreversible by design."""
    if key.is_shredded:
        return
    if DataKey.objects.filter(pk=key.pk, held=True).exists():
        raise IdentityHeld("A confidentiality exception holds this identity until it is decided.")
    SealedValue.objects.filter(key=key).delete()
    # The month only, and no due date: "due on" is the close time plus the retention days, to the
    # microsecond, "shredded at" the moment a person asked, "created" the request's day (issue 16,
    # section 1). The epoch stays: it says which key the old copies were wrapped by.
    DataKey.objects.filter(pk=key.pk).update(
        wrapped=None,
        master_key_id="",
        holder_tag="",
        shred_after=None,
        shredded_at=_start_of_utc_month(timezone.now()),
        created_at=_start_of_utc_month(key.created_at),
    )
    key.wrapped, key.master_key_id, key.holder_tag, key.shred_after = None, "", "", None
    key.created_at = _start_of_utc_month(key.created_at)
    for hook in _after_shred:
        hook(key)
    transaction.on_commit(reclaim_deleted_bytes)
    record(action=Action.IDENTITY_SHREDDED, actor=actor, obj=key, detail=reason)


def reclaim_deleted_bytes() -> None:
    """After a shredding commits, SQLite can forget the old bytes at once (secure_delete zeroes
    freed pages; a checkpoint empties its write-ahead log). Nothing like it is relied on for
    PostgreSQL, where dead row versions, the WAL and replicas keep copies for as long as they
    like (and VACUUM needs the tables' owner): there the copies become useless when their
    epoch's key is destroyed (``rotate_epochs``)."""
    from django.db import DatabaseError, connection

    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        logger.warning("could not checkpoint SQLite's write-ahead log now; it will be later")


def schedule_shredding(*, key: DataKey, closed_at: datetime.datetime, retention_days: int) -> None:
    """When a request closes, its identity is due ``retention_days`` later (0: at the next run)."""
    key.shred_after = closed_at + datetime.timedelta(days=retention_days)
    key.save(update_fields=["shred_after"])


def hold(*, key: DataKey) -> None:
    """Keep the identity while a confidentiality exception about it is considered: no shredding,
    whatever the retention says or anyone asks. The caller audits it (the exception's steps)."""
    DataKey.objects.filter(pk=key.pk, shredded_at__isnull=True).update(held=True)
    key.held = True


def release_hold(*, key: DataKey, retention_days: int, now: datetime.datetime | None = None) -> None:
    """End the hold once the exception is decided. A request closed meanwhile keeps its identity
    for the retention period counted from now: the clock restarts, so a disclosure decided today
    can still be recorded about a person who can still be identified."""
    now = now or timezone.now()
    fields: dict[str, Any] = {"held": False}
    if key.shred_after is not None:
        fields["shred_after"] = now + datetime.timedelta(days=retention_days)
    DataKey.objects.filter(pk=key.pk).update(**fields)
    key.held = False
    key.shred_after = fields.get("shred_after", key.shred_after)


def shred_due(*, now: datetime.datetime | None = None) -> int:
    """Shred every identity whose retention has run out, except those a confidentiality
    exception holds. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    due = DataKey.objects.filter(shredded_at__isnull=True, shred_after__lte=now, held=False)
    count = 0
    for key in due.iterator(chunk_size=500):
        shred(key=key, reason="retention")
        count += 1
    return count


@dataclass(frozen=True)
class EpochRun:
    shredded: int
    rewrapped: int
    destroyed: int


ORPHAN_GRACE = datetime.timedelta(days=1)


def rotate_epochs(*, now: datetime.datetime | None = None) -> EpochRun:
    """The epoch job (hourly, idempotent): shred what is due; then for every epoch that has
    ended, move its live data keys to the current epoch (requests still open, or closed but
    not yet due, keep their identity) and destroy its key. Also destroys keys the store holds
    for no live epoch: a crash between the two steps, or an epoch created in a transaction that
    rolled back (whose rows may still sit in the WAL) — those after a day's grace, measured on
    the clock, since a key may belong to a transaction that has not committed yet."""
    now = now or timezone.now()
    shredded = shred_due(now=now)
    store = key_store()
    current = current_epoch(now=now)
    rewrapped = destroyed = 0
    for epoch in Epoch.objects.filter(destroyed_at__isnull=True, ends_at__lte=now).exclude(pk=current.pk):
        with transaction.atomic():
            if not Epoch.objects.select_for_update().filter(pk=epoch.pk, destroyed_at__isnull=True).exists():
                continue  # another worker got there first
            for data_key in DataKey.objects.select_for_update().filter(epoch=epoch, wrapped__isnull=False):
                if not data_key.held and data_key.shred_after is not None and data_key.shred_after <= now:
                    shred(key=data_key, reason="retention")
                    shredded += 1
                    continue
                try:
                    plain = _unwrap(data_key)
                except EpochKeyMissing:
                    # A database restored from before this epoch's key was destroyed: the
                    # identity is already unrecoverable, as promised; say so in the database too.
                    shred(key=data_key, reason="epoch key destroyed")
                    shredded += 1
                    continue
                data_key.wrapped = store.wrap(current.key_name, plain, associated_data=_wrap_context(data_key))
                data_key.epoch = current
                data_key.save(update_fields=["wrapped", "epoch"])
                rewrapped += 1
            Epoch.objects.filter(pk=epoch.pk).update(destroyed_at=now)
            record(
                action=Action.MASTER_KEY_ROTATED,
                obj=epoch,
                detail=f"epoch key destroyed; moved to {current.key_name[:8]}",
            )
        store.destroy(epoch.key_name)  # only after the move committed
        destroyed += 1
    live = {epoch.key_name for epoch in Epoch.objects.filter(destroyed_at__isnull=True)}
    known = {pk.hex for pk in Epoch.objects.values_list("pk", flat=True)}
    settled = timezone.now() - ORPHAN_GRACE
    for name, created in store.names().items():
        if name not in live and (name in known or created < settled):
            store.destroy(name)
            destroyed += 1
    return EpochRun(shredded=shredded, rewrapped=rewrapped, destroyed=destroyed)


def adopt_epochs(*, actor: Any = None) -> int:
    """Move data keys written before epochs (wrapped by a master key) under the current epoch,
    with per-request holder tags. Their old master-wrapped copies stay in the database's files
    and backups: after this, replace the master key (``vault rotate``) and destroy the old one."""
    from django.contrib.auth import get_user_model

    legacy = DataKey.objects.filter(wrapped__isnull=False, epoch__isnull=True)
    if not legacy.exists():
        return 0
    accounts = {}
    if legacy.exclude(holder_tag="").exists():
        for account_id in get_user_model().objects.values_list("pk", flat=True).iterator(chunk_size=2000):
            for master in settings.SIDEBAR_MASTER_KEYS.values():
                accounts[_legacy_tag(master, account_id)] = account_id
    moved = 0
    with transaction.atomic():
        epoch = _lock_current_epoch()
        store = key_store()
        for data_key in legacy.select_for_update().iterator(chunk_size=500):
            plain = _unwrap(data_key)
            holder = accounts.get(data_key.holder_tag)
            data_key.holder_tag = _tag(plain, holder) if holder is not None else ""
            data_key.wrapped = store.wrap(epoch.key_name, plain, associated_data=_wrap_context(data_key))
            data_key.epoch, data_key.master_key_id = epoch, ""
            data_key.save(update_fields=["wrapped", "epoch", "master_key_id", "holder_tag"])
            moved += 1
        record(action=Action.MASTER_KEY_ROTATED, actor=actor, object_type="vault.datakey", detail=f"adopted={moved}")
    return moved


@transaction.atomic
def rotate(*, actor: Any = None) -> int:
    """Re-wrap every live data key still wrapped by an older master key with the current (first)
    one (only keys from before epochs are wrapped by a master key at all). Afterwards the older
    master keys can be removed from SIDEBAR_MASTER_KEY."""
    key_id, master = _current_master()
    rewrapped = 0
    live = (
        DataKey.objects.select_for_update()
        .filter(wrapped__isnull=False, epoch__isnull=True)
        .exclude(master_key_id=key_id)
    )
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
    live_epochs: int
    destroyed_epochs: int


def status(*, now: datetime.datetime | None = None) -> VaultStatus:
    now = now or timezone.now()
    live = DataKey.objects.filter(wrapped__isnull=False)
    legacy = live.filter(epoch__isnull=True)
    by_master = dict(
        legacy.values_list("master_key_id").annotate(n=models.Count("pk")).values_list("master_key_id", "n")
    )
    return VaultStatus(
        live=live.count(),
        shredded=DataKey.objects.filter(wrapped__isnull=True).count(),
        due=live.filter(shred_after__lte=now).count(),
        by_master_key=by_master,
        live_epochs=Epoch.objects.filter(destroyed_at__isnull=True).count(),
        destroyed_epochs=Epoch.objects.filter(destroyed_at__isnull=False).count(),
    )


def master_key_problems(*, now: datetime.datetime | None = None) -> list[str]:
    """Why the deployment's keys cannot open the live data keys and secrets, if they cannot
    (a missing or wrong SIDEBAR_MASTER_KEY, a key store that is not this database's): one
    sample per master key id and per live epoch is unwrapped."""
    from sidebar.vault.secrets import secret_problems

    problems = []
    for key_id in (
        DataKey.objects.filter(wrapped__isnull=False, epoch__isnull=True)
        .values_list("master_key_id", flat=True)
        .distinct()
    ):
        sample = DataKey.objects.filter(wrapped__isnull=False, epoch__isnull=True, master_key_id=key_id).first()
        if sample is None:
            continue
        try:
            _unwrap(sample)
        except MasterKeyMissing as exc:
            problems.append(str(exc))
    # Only epochs that have not ended: an ended one whose key is gone is a database restored
    # from before its destruction, which the epoch job settles by shredding (docs/deploy.md).
    live_epochs = DataKey.objects.filter(wrapped__isnull=False, epoch__ends_at__gt=now or timezone.now())
    for epoch_id in live_epochs.values_list("epoch_id", flat=True).distinct():
        sample = DataKey.objects.filter(wrapped__isnull=False, epoch_id=epoch_id).first()
        if sample is None:
            continue
        try:
            _unwrap(sample)
        except EpochKeyMissing as exc:
            problems.append(f"{exc} (is SIDEBAR_KEY_STORE the same on every host?)")
    problems.extend(secret_problems())
    return problems
