"""Per-request data keys, the epochs whose keys wrap them, and the identity values sealed
under them.

Whatever identifies a person who asked for help lives here, and only here, as ciphertext. A
support request points at its ``DataKey``; the data key is stored only wrapped by an *epoch
key*, which lives in the key store (sidebar/vault/keystore.py), never in the database.
Shredding removes the live copy at once; the copies the database keeps elsewhere (dead row
versions, the WAL, replicas, dumps) become useless when the epoch's key is destroyed, at most
``SIDEBAR_EPOCH_DAYS`` days and one scheduler run later. The statistics live elsewhere and survive.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.utils import timezone

from sidebar.lib.times import start_of_utc_day


def utc_day_now() -> datetime.datetime:
    return start_of_utc_day(timezone.now())


class Epoch(models.Model):
    """A period whose key (in the key store, named by this id) wraps the data keys created or
    re-wrapped in it. Only the times are kept here; the key itself never enters the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(
        help_text="After this, its live data keys move to a newer epoch and its key is destroyed."
    )
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["destroyed_at", "ends_at"], name="epoch_live_idx")]

    def __str__(self) -> str:
        return f"epoch {self.pk}"

    @property
    def key_name(self) -> str:
        return self.pk.hex


class DataKey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # nonce ‖ AES-GCM(epoch key, data key); NULL once shredded. Keys written before epochs
    # existed are wrapped by a master key instead (master_key_id) until `vault adopt-epochs`.
    wrapped = models.BinaryField(null=True)
    epoch = models.ForeignKey(Epoch, null=True, blank=True, on_delete=models.PROTECT, related_name="data_keys")
    master_key_id = models.CharField(max_length=40, blank=True)
    # The day only (docs/privacy.md, "Times"): nothing reads it finer, and the row outlives the
    # identity it protected.
    created_at = models.DateTimeField(default=utc_day_now)
    shred_after = models.DateTimeField(null=True, blank=True, help_text="Set when the request closes.")
    shredded_at = models.DateTimeField(null=True, blank=True)
    # A confidentiality exception about the request is being considered: nobody and nothing
    # shreds the identity until it is decided (then the retention period starts again).
    held = models.BooleanField(default=False)
    # HMAC of the sending account's id under a key derived from this data key (so each request
    # has its own tag, and no key that outlives shredding can recompute it): lets the sender list
    # their own requests without the database saying who they are. Cleared by shredding.
    holder_tag = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["shredded_at", "shred_after"], name="datakey_due_idx")]

    def __str__(self) -> str:
        return f"data key {self.pk}"

    @property
    def is_shredded(self) -> bool:
        return self.wrapped is None


class SealedValue(models.Model):
    """One identifying value (a name, a phone number, a message) sealed under a data key."""

    key = models.ForeignKey(DataKey, on_delete=models.CASCADE, related_name="values")
    owner = models.CharField(max_length=80, help_text="The record the value belongs to: app.model:id.")
    field = models.CharField(max_length=40)
    token = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "field"], name="one_sealed_value_per_field")]

    def __str__(self) -> str:
        return f"{self.owner} {self.field}"
