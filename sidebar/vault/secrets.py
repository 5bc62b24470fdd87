"""Small deployment secrets (TOTP seeds) sealed under the master key, with the key id in the
text so that rotation can re-wrap them like data keys."""

from __future__ import annotations

import base64

from django.conf import settings

from sidebar.vault import crypto

_PREFIX = "sealed1"


def encrypt_secret(text: str, *, purpose: str) -> str:
    key_id, master = next(iter(settings.SIDEBAR_MASTER_KEYS.items()))
    token = crypto.encrypt(master, text.encode(), associated_data=f"sidebar.secret:{purpose}".encode())
    return f"{_PREFIX}:{key_id}:{base64.urlsafe_b64encode(token).decode()}"


def decrypt_secret(value: str, *, purpose: str) -> str:
    prefix, _, rest = value.partition(":")
    if prefix != _PREFIX:
        return value  # written before encryption was switched on
    key_id, _, encoded = rest.partition(":")
    master = settings.SIDEBAR_MASTER_KEYS.get(key_id)
    if master is None:
        raise crypto.DecryptionFailed(f"master key {key_id!r} is not in SIDEBAR_MASTER_KEY")
    token = base64.urlsafe_b64decode(encoded)
    return crypto.decrypt(master, token, associated_data=f"sidebar.secret:{purpose}".encode()).decode()
