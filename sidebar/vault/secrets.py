"""Small deployment secrets (TOTP seeds) sealed under the master key, with the key id in the
text so that rotation can re-wrap them. They are the master key's job now: identity is under
epoch keys (see services.py), which is why a master key that outlives shredding is harmless."""

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


def secret_problems() -> list[str]:
    """A wrong or missing master key, found by opening one sealed two-factor secret per key id
    (the master key protects these secrets, and data keys from before epochs)."""
    from django.apps import apps

    if not apps.is_installed("allauth.mfa"):
        return []
    authenticator = apps.get_model("mfa", "Authenticator")
    seen: set[str] = set()
    problems = []
    for data in authenticator.objects.values_list("data", flat=True).iterator(chunk_size=500):
        value = data.get("secret") if isinstance(data, dict) else None
        if not isinstance(value, str) or not value.startswith(f"{_PREFIX}:"):
            continue
        key_id = value.split(":", 2)[1]
        if key_id in seen:
            continue
        seen.add(key_id)
        try:
            decrypt_secret(value, purpose="mfa")
        except crypto.DecryptionFailed as exc:
            message = (
                str(exc)
                if "is not in" in str(exc)
                else f"master key {key_id!r} in SIDEBAR_MASTER_KEY is not the one that sealed the two-factor secrets"
            )
            problems.append(message)
    return problems
