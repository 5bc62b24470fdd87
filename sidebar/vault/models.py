"""Per-request data keys and the identity values sealed under them.

Whatever identifies a person who asked for help lives here, and only here, as ciphertext. A
support request points at its ``DataKey``; shredding removes the wrapped key and the sealed
values, after which nothing — not the database, not a later backup, not the master key — can
bring the identity back. The request's statistics live elsewhere and survive.
"""

from __future__ import annotations

import uuid

from django.db import models


class DataKey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # nonce ‖ AES-GCM(master key, data key); NULL once shredded.
    wrapped = models.BinaryField(null=True)
    master_key_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    shred_after = models.DateTimeField(null=True, blank=True, help_text="Set when the request closes.")
    shredded_at = models.DateTimeField(null=True, blank=True)
    # HMAC of the sending account's id under a key derived from the master key: lets the sender
    # list their own requests without the database saying who they are. Cleared by shredding.
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
