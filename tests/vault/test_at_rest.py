"""What is on disk: a real SQLite file and key store, written and read by separate processes."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.vault.forensics import candidates, keys_left, opened

ROOT = Path(__file__).resolve().parents[2]
NAME, PHONE = "Ignatius Vandersloot", "555-0199-7731"
MASTER = "k1:" + base64.urlsafe_b64encode(b"at-rest-test-master-key-32-bytes").decode()

STORE = f"""
from sidebar.vault import services
key = services.create_key()
services.store(key=key, owner=("support.request", "r1"), values={{"name": "{NAME}", "phone": "{PHONE}"}})
print(key.pk, bytes(key.wrapped).hex())
"""
SHRED = """
from sidebar.vault import services
from sidebar.vault.models import DataKey
services.shred(key=DataKey.objects.get(), reason="test")
"""
END_EPOCH = """
import datetime
from sidebar.vault import services
from sidebar.vault.models import Epoch
services.rotate_epochs(now=Epoch.objects.get().ends_at + datetime.timedelta(minutes=1))
"""
SEAL_SECRET = """
from allauth.mfa.models import Authenticator
from sidebar.accounts.models import User
from sidebar.vault.secrets import encrypt_secret
user = User.objects.create_user(email="someone@example.gov", password="x" * 20)
Authenticator.objects.create(user=user, type="totp", data={"secret": encrypt_secret("JBSWY3DPEHPK3PXP", purpose="mfa")})
"""
REVEAL = """
from sidebar.vault import services
from sidebar.vault.models import DataKey
try:
    services.reveal(key=DataKey.objects.get(), owner=("support.request", "r1"), fields=["name"], actor=None)
except services.IdentityUnavailable:
    print("unavailable")
"""


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=check
    )


@pytest.fixture
def database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SIDEBAR_MODE="test",
        SIDEBAR_MASTER_KEY=MASTER,
        SIDEBAR_KEY_STORE=f"file://{tmp_path}/keys",
        DATABASE_URL=f"sqlite:///{tmp_path}/at-rest.sqlite3",
    )
    run(env, "manage.py", "migrate", "-v0")
    return env, tmp_path


def disk_bytes(folder: Path) -> bytes:
    # the database file and, if a writer left one, its write-ahead log
    return b"".join(path.read_bytes() for path in folder.glob("at-rest.sqlite3*"))


def test_the_database_file_never_holds_the_identity_and_forgets_the_key_when_shredded(database):
    env, folder = database
    _key_id, wrapped_hex = run(env, "manage.py", "shell", "-c", STORE).stdout.strip().splitlines()[-1].split()
    on_disk = disk_bytes(folder)
    assert NAME.encode() not in on_disk and PHONE.encode() not in on_disk
    assert bytes.fromhex(wrapped_hex) in on_disk

    run(env, "manage.py", "shell", "-c", SHRED)
    on_disk = disk_bytes(folder)
    assert bytes.fromhex(wrapped_hex) not in on_disk, "the wrapped data key must not survive on disk"
    assert NAME.encode() not in on_disk and PHONE.encode() not in on_disk
    assert run(env, "manage.py", "shell", "-c", REVEAL).stdout.strip().endswith("unavailable")


def test_a_shredded_identity_opens_with_no_key_left_once_its_epoch_ends(database):
    """The database administrator's attack on SQLite: every copy of the wrapped key in the file
    and its WAL, tried with the master key and every epoch key still in the store."""
    env, folder = database
    key_id, _wrapped_hex = run(env, "manage.py", "shell", "-c", STORE).stdout.strip().splitlines()[-1].split()
    run(env, "manage.py", "shell", "-c", SHRED)
    run(env, "manage.py", "shell", "-c", END_EPOCH)
    store, master = folder / "keys", base64.urlsafe_b64decode(MASTER.partition(":")[2])
    on_disk = disk_bytes(folder)
    markers = [uuid.UUID(key_id).hex.encode(), uuid.UUID(key_id).bytes]
    assert opened(candidates(on_disk, markers), keys_left([master], store), uuid.UUID(key_id)) == []
    assert len(keys_left([master], store)) == 2  # the master key and the next epoch's key were tried
    assert NAME.encode() not in on_disk and PHONE.encode() not in on_disk


def test_a_wrong_master_key_or_key_store_stops_the_app_at_start(database, tmp_path):
    env, _ = database
    run(env, "manage.py", "shell", "-c", STORE)
    run(env, "manage.py", "shell", "-c", SEAL_SECRET)
    wrong = {**env, "SIDEBAR_MASTER_KEY": "k1:" + base64.urlsafe_b64encode(os.urandom(32)).decode()}
    served = run(wrong, "-c", "import sidebar.wsgi", check=False)
    assert served.returncode != 0
    assert (
        "Sidebar will not start" in served.stderr
        and "is not the one that sealed the two-factor secrets" in served.stderr
    )
    checked = run(wrong, "manage.py", "check", check=False)
    assert checked.returncode != 0 and "vault.E001" in checked.stderr
    missing = {**env, "SIDEBAR_MASTER_KEY": "k2:" + base64.urlsafe_b64encode(os.urandom(32)).decode()}
    assert "not in SIDEBAR_MASTER_KEY" in run(missing, "-c", "import sidebar.wsgi", check=False).stderr
    elsewhere = {**env, "SIDEBAR_KEY_STORE": f"file://{tmp_path}/another-hosts-keys"}
    served = run(elsewhere, "-c", "import sidebar.wsgi", check=False)
    assert served.returncode != 0
    assert "Sidebar will not start" in served.stderr and "is not in the key store" in served.stderr
    assert "vault.E001" in run(elsewhere, "manage.py", "check", check=False).stderr
