"""Data keys as Sidebar wrote them before epochs: under the master key, with a holder tag from
the master key. Deployments upgraded from then hold such keys until ``vault adopt-epochs``."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

from sidebar.vault import crypto
from sidebar.vault.models import DataKey


def legacy_key(*, holder: Any = None) -> DataKey:
    key_id, master = next(iter(settings.SIDEBAR_MASTER_KEYS.items()))
    tag = ""
    if holder is not None:
        tag_key = hmac.new(master, b"sidebar.holder-tag.v1", hashlib.sha256).digest()
        tag = hmac.new(tag_key, str(holder.pk).encode(), hashlib.sha256).hexdigest()
    data_key = DataKey(holder_tag=tag, master_key_id=key_id)
    data_key.wrapped = crypto.encrypt(
        master, crypto.new_key(), associated_data=f"sidebar.datakey:{data_key.pk}".encode()
    )
    data_key.save(force_insert=True)
    return data_key
