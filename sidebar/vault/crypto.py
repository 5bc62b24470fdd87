"""The cryptography, and nothing else: AES-256-GCM for values and for wrapping data keys.

A sealed value is ``version (1 byte) ‖ nonce (12 bytes) ‖ ciphertext+tag``. Nonces are 96 random
bits from the OS for every encryption: with a fresh key per request and a handful of values per
key, the chance of a repeat is negligible. The associated data binds each value to its record
and field, so a ciphertext copied to another record or field does not decrypt.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionFailed(Exception):
    """Wrong key, altered ciphertext, or a value moved to another record: all look the same."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def encrypt(key: bytes, plaintext: bytes, *, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def decrypt(key: bytes, token: bytes, *, associated_data: bytes) -> bytes:
    if len(token) < 1 + NONCE_BYTES + 16 or token[:1] != VERSION:
        raise DecryptionFailed("not a sealed value")
    nonce, body = token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, associated_data)
    except InvalidTag as exc:
        raise DecryptionFailed("the value does not decrypt under this key and context") from exc


def nonce_of(token: bytes) -> bytes:
    return token[1 : 1 + NONCE_BYTES]
