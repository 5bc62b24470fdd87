"""Signed checkpoints of the audit chain: one line of text that anyone can keep.

A checkpoint says "on this date the chain held this many events, and the newest one's hash was
this". It is signed with Ed25519. The private key is derived (HKDF-SHA256, its own purpose
label) from the first master key in the settings, so nothing in the database can sign: a
database writer can delete a checkpoint row but cannot make a new one or alter an old one.

Why Ed25519 and not an HMAC: checking an HMAC needs the secret, so everyone able to check a
line could also forge one. An Ed25519 line is checked with a public key, which the privacy page
shows, so counsel or anyone else can check a line they kept, and checking gives no power to sign.

The line (what is e-mailed, logged and shown on the privacy page)::

    sidebar-audit-checkpoint v1 seq=7 events=1234 head=<64 hex> at=2026-11-23T10:00:00Z key=k1 sig=<base64>

The signature covers everything before `` sig=``. ``key`` names the master key the signing key
was derived from, so a line stays checkable after a master key rotation, for as long as the old
master key is configured.
"""

from __future__ import annotations

import base64
import datetime
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sidebar-audit-checkpoint v1"
_PURPOSE = b"sidebar audit checkpoint signing key v1"
_LINE = re.compile(
    r"sidebar-audit-checkpoint v1 seq=(?P<seq>[0-9]{1,12}) events=(?P<events>[0-9]{1,15}) "
    r"head=(?P<head>[0-9a-f]{64}) at=(?P<at>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z) "
    r"key=(?P<key>[A-Za-z0-9_.-]{1,40}) sig=(?P<sig>[A-Za-z0-9_-]{86})"
)


class InvalidCheckpoint(ValueError):
    """The text is not a checkpoint line."""


def _signing_key(key_id: str) -> Ed25519PrivateKey | None:
    master = settings.SIDEBAR_MASTER_KEYS.get(key_id)
    if master is None:
        return None
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(master)
    return Ed25519PrivateKey.from_private_bytes(seed)


def current_key_id() -> str:
    return next(iter(settings.SIDEBAR_MASTER_KEYS))


def public_key(key_id: str | None = None) -> str:
    """The public key that checks lines signed now (raw 32 bytes, URL-safe base64)."""
    private = _signing_key(key_id or current_key_id())
    assert private is not None
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class CheckpointLine:
    seq: int
    events: int
    head: str
    at: datetime.datetime  # UTC, whole seconds
    key_id: str
    signature: str

    @property
    def signed_text(self) -> str:
        at = self.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{PREFIX} seq={self.seq} events={self.events} head={self.head} at={at} key={self.key_id}"

    @property
    def text(self) -> str:
        return f"{self.signed_text} sig={self.signature}"

    def __str__(self) -> str:
        return self.text

    def key_known(self) -> bool:
        return self.key_id in settings.SIDEBAR_MASTER_KEYS

    def signature_valid(self) -> bool:
        """False for a wrong signature and for a key this installation does not hold."""
        private = _signing_key(self.key_id)
        if private is None:
            return False
        try:
            private.public_key().verify(_unb64(self.signature), self.signed_text.encode())
        except (InvalidSignature, ValueError):
            return False
        return True

    @classmethod
    def sign(cls, *, seq: int, events: int, head: str, at: datetime.datetime) -> CheckpointLine:
        key_id = current_key_id()
        private = _signing_key(key_id)
        assert private is not None
        unsigned = cls(seq, events, head, at.astimezone(datetime.UTC).replace(microsecond=0), key_id, "")
        return cls(**{**unsigned.__dict__, "signature": _b64(private.sign(unsigned.signed_text.encode()))})

    @classmethod
    def parse(cls, text: str) -> CheckpointLine:
        """Read a line as e-mailed or logged; line breaks and runs of spaces (a mail program
        wrapping it, a log prefix before it) are forgiven, nothing else is."""
        flat = " ".join(text.split())
        found = _LINE.search(flat)
        if found is None:
            raise InvalidCheckpoint(
                f"This is not a checkpoint line: it should read like "
                f'"{PREFIX} seq=… events=… head=… at=… key=… sig=…", all on one line.'
            )
        at = datetime.datetime.strptime(found["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
        return cls(int(found["seq"]), int(found["events"]), found["head"], at, found["key"], found["sig"])

    @property
    def brief(self) -> str:
        return f"checkpoint {self.seq} ({self.events} events, {self.at:%Y-%m-%d %H:%M} UTC)"
