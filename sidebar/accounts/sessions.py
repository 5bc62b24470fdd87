"""Database sessions that tell a reader of the database neither who nor when.

Django's own database sessions keep the cookie's value as the row's key, the account's id and
(here) the moments of signing in and of the last click in readable session data, and an expiry
that is the last save plus the cookie age: a row a fraction of a second before a request's
creation, naming its account. This store keeps instead

- as the key, a hash of the cookie: a reader of the table cannot take a session over;
- the data sealed (AES-GCM) under a key derived from the cookie, which only the browser holds:
  no reader of the database, a dump or its log can open it, whatever keys the server has;
- as the expiry, the next UTC midnight on or after Django's: the row tells at most the day.

The timeouts themselves (sidebar.accounts.middleware) read the exact times from the opened
data, so nothing is lost for the person signed in. The row no longer names its account, so
ending an account's sessions is done by what Django checks on every request (the password's
hash and the account being active), not by finding its rows; a row whose cookie is gone can only
expire (``manage.py clearsessions``). Rows written before this store do not open: those people
sign in again.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
from typing import Any

from asgiref.sync import sync_to_async
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.contrib.sessions.backends import db
from django.utils import timezone

from sidebar.lib.times import next_utc_midnight
from sidebar.vault import crypto


def row_key(session_key: str) -> str:
    """The row's key for a cookie value: 160 bits of its SHA-256 (the column holds 40 characters;
    the cookie carries some 165 random bits, so no salt is needed)."""
    return hashlib.sha256(f"sidebar.session.row|{session_key}".encode()).hexdigest()[:40]


def _seal_key(session_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=crypto.KEY_BYTES, salt=None, info=b"sidebar.session.data").derive(
        session_key.encode()
    )


def coarse_expiry(moment: datetime.datetime) -> datetime.datetime:
    return next_utc_midnight(moment)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        row = (
            self.model.objects.filter(session_key=row_key(key), expire_date__gt=timezone.now()).first() if key else None
        )
        if row is None:
            self._session_key = None
        return row

    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()
        if row is None or self.session_key is None:
            return {}
        try:
            token = base64.b64decode(row.session_data, validate=True)
            plain = crypto.decrypt(_seal_key(self.session_key), token, associated_data=row.session_key.encode())
        except (binascii.Error, ValueError, crypto.DecryptionFailed):
            # written before this store, or altered: an empty session under a new key
            self._session_key = None
            return {}
        return self.decode(plain.decode())

    def decode(self, session_data: str) -> dict[str, Any]:
        # A sealed row handed over whole (Session.get_decoded(), a scan for an account's sessions)
        # opens to nothing: only the browser's cookie opens it. Django's own encoding always
        # holds a ":", base64 never does.
        if ":" not in session_data:
            return {}
        return super().decode(session_data)

    def exists(self, session_key: str | None) -> bool:
        return bool(session_key) and self.model.objects.filter(session_key=row_key(session_key)).exists()

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        key = self._get_or_create_session_key()
        row = row_key(key)
        sealed = crypto.encrypt(_seal_key(key), self.encode(data).encode(), associated_data=row.encode())
        return self.model(
            session_key=row,
            session_data=base64.b64encode(sealed).decode("ascii"),
            expire_date=coarse_expiry(self.get_expiry_date()),
        )

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key:
            self.model.objects.filter(session_key=row_key(session_key)).delete()

    # Sidebar runs under WSGI; the asynchronous doors lead to the same code.
    async def aload(self) -> dict[str, Any]:
        return await sync_to_async(self.load)()

    async def aexists(self, session_key: str | None) -> bool:
        return await sync_to_async(self.exists)(session_key)

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        return await sync_to_async(self.create_model_instance)(data)

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)
