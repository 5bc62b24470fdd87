"""Where epoch keys live: outside the database, shared by every web and worker host.

An epoch key wraps the data keys of the requests created (or re-wrapped) during one epoch. It
must never be written where the database keeps old versions (table files, WAL, replicas,
dumps): the whole point is that destroying it makes every copy of those wrapped data keys
useless. So the vault talks to a ``KeyStore`` and nothing else about epoch keys.

The interface is wrap/unwrap rather than "give me the key", so that a store which never lets a
key out (HashiCorp Vault's Transit engine, a cloud KMS) fits as well as one that does (a
directory of files, Vault's KV engine). docs/privacy.md explains how those would plug in; this
module implements the directory (``SIDEBAR_KEY_STORE=file:///var/lib/sidebar/keys``).

Adding a backend: write a class with the five methods of ``KeyStore`` and register its URL
scheme with ``register_backend("vault", factory)`` from an ``AppConfig.ready``.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sidebar.vault import crypto


class EpochKeyMissing(Exception):
    """The store has no key of that name: it was destroyed (or the store is not the right one)."""


class KeyStore(Protocol):
    def create(self, name: str) -> None:
        """Make a new random key called ``name`` unless one exists (then keep that one): two
        hosts creating the same epoch at once must end up with one key, not two."""

    def wrap(self, name: str, plaintext: bytes, *, associated_data: bytes) -> bytes:
        """Encrypt ``plaintext`` (a data key) under key ``name``; raises EpochKeyMissing."""

    def unwrap(self, name: str, token: bytes, *, associated_data: bytes) -> bytes:
        """Decrypt; raises EpochKeyMissing, or crypto.DecryptionFailed for a wrong token."""

    def destroy(self, name: str) -> None:
        """Destroy key ``name`` durably (idempotent): after this returns, no copy is left
        that this store can reach."""

    def names(self) -> dict[str, datetime.datetime]:
        """Every key the store holds, with when it was created (for cleaning up orphans)."""


_NAME = re.compile(r"^[0-9a-f]{32}$")


class FileKeyStore:
    """One file per epoch key in one directory on the single server (mode 700, files 600).

    Files are written to a temporary name, fsync'd, then linked into place (which fails if the
    name exists, so the first writer wins) and the directory is fsync'd; destroying overwrites
    the file, fsyncs, unlinks and fsyncs the directory. Overwriting does not reach every old
    block on a copy-on-write or flash file system: docs/deploy.md says to put the directory on
    an encrypted volume and never back it up.
    """

    SUFFIX = ".key"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise ValueError(f"not an epoch key name: {name!r}")
        return self.directory / f"{name}{self.SUFFIX}"

    def _sync_directory(self) -> None:
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def key(self, name: str) -> bytes:
        """The raw key (for this store's own use and the vault's per-call cache)."""
        try:
            key = self._path(name).read_bytes()
        except FileNotFoundError as exc:
            raise EpochKeyMissing(f"epoch key {name} is not in the key store {self.directory}") from exc
        if len(key) != crypto.KEY_BYTES:
            raise EpochKeyMissing(f"epoch key file {self._path(name)} is damaged")
        return key

    def create(self, name: str) -> None:
        self._ensure_directory()
        final = self._path(name)
        if final.exists():
            return
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".new-")  # mode 600
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(crypto.new_key())
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):  # another host won the race: keep its key
                os.link(temporary, final)
        finally:
            os.unlink(temporary)
        self._sync_directory()

    def wrap(self, name: str, plaintext: bytes, *, associated_data: bytes) -> bytes:
        return crypto.encrypt(self.key(name), plaintext, associated_data=associated_data)

    def unwrap(self, name: str, token: bytes, *, associated_data: bytes) -> bytes:
        return crypto.decrypt(self.key(name), token, associated_data=associated_data)

    def destroy(self, name: str) -> None:
        path = self._path(name)
        try:
            with open(path, "r+b") as file:
                file.write(b"\0" * crypto.KEY_BYTES)
                file.flush()
                os.fsync(file.fileno())
            path.unlink()
        except FileNotFoundError:
            return
        self._sync_directory()

    def names(self) -> dict[str, datetime.datetime]:
        if not self.directory.is_dir():
            return {}
        found = {}
        for path in self.directory.glob(f"*{self.SUFFIX}"):
            name = path.name.removesuffix(self.SUFFIX)
            if _NAME.match(name):
                with contextlib.suppress(FileNotFoundError):
                    mtime = path.stat().st_mtime
                    found[name] = datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC)
        return found


def _file_store(url: str) -> KeyStore:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path:
        raise ImproperlyConfigured(f"SIDEBAR_KEY_STORE must be file:///absolute/path (got {url!r}).")
    return FileKeyStore(Path(unquote(parts.path)))


_BACKENDS: dict[str, Callable[[str], KeyStore]] = {"file": _file_store}


def register_backend(scheme: str, factory: Callable[[str], KeyStore]) -> None:
    """Plug in another store (``vault://…``, ``awskms://…``) under its URL scheme."""
    _BACKENDS[scheme] = factory


def key_store() -> KeyStore:
    """The configured store. Built on each call: nothing about keys is kept in process memory."""
    url: str = settings.SIDEBAR_KEY_STORE
    scheme = urlsplit(url).scheme
    if scheme not in _BACKENDS:
        raise ImproperlyConfigured(
            f"SIDEBAR_KEY_STORE scheme {scheme!r} has no backend (known: {', '.join(sorted(_BACKENDS))})."
        )
    return _BACKENDS[scheme](url)
