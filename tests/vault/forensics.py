"""What a database administrator with the files could try: find every copy of a wrapped data
key in the database's files and write-ahead log, and try every key the deployment still has."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sidebar.vault import crypto

# version ‖ nonce ‖ 32-byte key ‖ tag
WRAPPED_BYTES = 1 + crypto.NONCE_BYTES + crypto.KEY_BYTES + 16
SPAN = 512  # a row's other columns sit this close to its id, in table pages and WAL records alike


def candidates(blob: bytes, markers: Iterable[bytes]) -> set[bytes]:
    """Every byte string near an occurrence of a marker (the data key's id) that has the shape
    of a wrapped key: a deleted or updated row version, a WAL record, an index entry."""
    found = set()
    for marker in markers:
        at = blob.find(marker)
        while at != -1:
            low, high = max(0, at - SPAN), min(len(blob), at + len(marker) + SPAN)
            for start in range(low, high - WRAPPED_BYTES + 1):
                if blob[start] == crypto.VERSION[0]:
                    found.add(blob[start : start + WRAPPED_BYTES])
            at = blob.find(marker, at + 1)
    return found


def opened(windows: Iterable[bytes], keys: Iterable[bytes], data_key_id: object) -> list[bytes]:
    """The data keys that any of ``keys`` recovers from ``windows``."""
    context = f"sidebar.datakey:{data_key_id}".encode()
    recovered = []
    keys = list(keys)
    for window in windows:
        for key in keys:
            try:
                recovered.append(crypto.decrypt(key, window, associated_data=context))
            except crypto.DecryptionFailed:
                continue
    return recovered


def keys_left(master_keys: Iterable[bytes], store: Path) -> list[bytes]:
    """Every key the deployment still has: its master keys and whatever the key store holds."""
    return [*master_keys, *(path.read_bytes() for path in store.glob("*.key"))]
