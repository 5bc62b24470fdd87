"""Identity is sealed per request, read only with an audit trace, and gone after shredding."""

from __future__ import annotations

import base64
import datetime
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.vault import crypto, services
from sidebar.vault.models import DataKey, SealedValue
from tests.vault.legacy import legacy_key

pytestmark = pytest.mark.django_db

OWNER = ("support.request", "9a1c7e0e-0000-4000-8000-000000000001")
OTHER = ("support.request", "9a1c7e0e-0000-4000-8000-000000000002")
IDENTITY = {"name": "Marisol Quintero-Abernathy", "phone": "555-0142", "preferred_times": "evenings"}


def master(key_id: str) -> str:
    return f"{key_id}:" + base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def key():
    data_key = services.create_key()
    services.store(key=data_key, owner=OWNER, values=IDENTITY)
    return data_key


def test_identity_is_stored_only_as_ciphertext(key):
    stored = b"".join(bytes(token) for token in SealedValue.objects.values_list("token", flat=True))
    for value in IDENTITY.values():
        assert value.encode() not in stored
    assert b"".join(bytes(k) for k in DataKey.objects.values_list("wrapped", flat=True)) != b""


def test_the_vault_refuses_fields_it_does_not_list(key):
    with pytest.raises(ValueError, match="only the listed identity fields"):
        services.store(key=key, owner=OWNER, values={"what_was_said": "anything"})


def test_reveal_returns_the_values_and_audits_the_read_without_them(key, cast):
    values = services.reveal(key=key, owner=OWNER, fields=["name", "phone"], actor=cast.team_leader)
    assert values == {"name": IDENTITY["name"], "phone": IDENTITY["phone"]}
    event = AuditEvent.objects.get(action=Action.IDENTITY_READ)
    assert event.actor_id == cast.team_leader.pk
    assert event.object_id == OWNER[1]
    assert event.detail == "name,phone"
    assert "Marisol" not in str(event.__dict__)


def test_after_shredding_the_identity_cannot_be_read(key, cast):
    services.shred(key=key, actor=cast.team_leader, reason="person asked")
    with pytest.raises(services.IdentityUnavailable):
        services.reveal(key=key, owner=OWNER, fields=["name"], actor=cast.team_leader)
    key.refresh_from_db()
    assert key.wrapped is None and key.shredded_at is not None
    assert not SealedValue.objects.exists()
    assert AuditEvent.objects.filter(action=Action.IDENTITY_SHREDDED, detail="person asked").exists()


def test_a_tampered_ciphertext_does_not_decrypt(key):
    sealed = SealedValue.objects.get(owner=f"{OWNER[0]}:{OWNER[1]}", field="name")
    token = bytearray(bytes(sealed.token))
    token[-1] ^= 0x01
    with pytest.raises(services.IdentityUnavailable):
        services.open_token(key=key, owner=OWNER, field="name", token=bytes(token))


def test_a_value_moved_to_another_record_or_field_does_not_decrypt(key):
    token = bytes(SealedValue.objects.get(owner=f"{OWNER[0]}:{OWNER[1]}", field="name").token)
    with pytest.raises(services.IdentityUnavailable):
        services.open_token(key=key, owner=OTHER, field="name", token=token)
    with pytest.raises(services.IdentityUnavailable):
        services.open_token(key=key, owner=OWNER, field="phone", token=token)


def test_a_value_under_another_requests_key_does_not_decrypt(key):
    other_key = services.create_key()
    token = bytes(SealedValue.objects.get(owner=f"{OWNER[0]}:{OWNER[1]}", field="name").token)
    with pytest.raises(services.IdentityUnavailable):
        services.open_token(key=other_key, owner=OWNER, field="name", token=token)


def test_no_nonce_repeats_over_ten_thousand_encryptions():
    data_key = crypto.new_key()
    nonces = {crypto.nonce_of(crypto.encrypt(data_key, b"x", associated_data=b"a")) for _ in range(10_000)}
    assert len(nonces) == 10_000


def test_rotation_keeps_every_live_identity_readable_and_the_old_key_can_go(settings, cast):
    """Data keys from before epochs (wrapped by a master key) survive a master key rotation."""
    old, new = master("old"), master("new")
    settings.SIDEBAR_MASTER_KEYS = settings_keys(old)
    keys = [legacy_key() for _ in range(5)]
    for n, data_key in enumerate(keys):
        services.store(key=data_key, owner=("support.request", n), values={"name": f"Person {n}"})
    services.shred(key=keys[0])

    settings.SIDEBAR_MASTER_KEYS = settings_keys(f"{new},{old}")
    assert services.rotate() == 4
    settings.SIDEBAR_MASTER_KEYS = settings_keys(new)  # the old key removed
    assert services.master_key_problems() == []
    for n, data_key in enumerate(keys[1:], start=1):
        data_key.refresh_from_db()
        assert services.reveal(key=data_key, owner=("support.request", n), fields=["name"], actor=cast.team_leader) == {
            "name": f"Person {n}"
        }


def test_a_missing_or_wrong_master_key_is_reported(settings):
    key = legacy_key()
    settings.SIDEBAR_MASTER_KEYS = settings_keys(master("other"))
    assert "not in SIDEBAR_MASTER_KEY" in services.master_key_problems()[0]
    key_id = key.master_key_id
    settings.SIDEBAR_MASTER_KEYS = settings_keys(master(key_id))  # same id, different key
    assert "is not the one that wrapped" in services.master_key_problems()[0]


def test_retention_shreds_only_what_is_due(cast):
    now = timezone.now()
    due, later, open_request = services.create_key(), services.create_key(), services.create_key()
    services.schedule_shredding(key=due, closed_at=now - datetime.timedelta(days=31), retention_days=30)
    services.schedule_shredding(key=later, closed_at=now - datetime.timedelta(days=3), retention_days=30)
    assert services.shred_due(now=now) == 1
    assert services.shred_due(now=now) == 0  # idempotent
    assert {k.pk for k in DataKey.objects.filter(wrapped__isnull=True)} == {due.pk}
    open_request.refresh_from_db()
    assert open_request.wrapped is not None


def test_vault_status_prints_counts_only(key, capsys):
    services.shred(key=services.create_key())
    call_command("vault", "status")
    out = capsys.readouterr().out
    assert "live data keys: 1" in out and "shredded: 1" in out and "due for shredding: 0" in out
    assert "Marisol" not in out


def settings_keys(raw: str) -> dict[str, bytes]:
    from sidebar.settings import _master_keys

    return _master_keys(raw)


def test_two_factor_secrets_are_encrypted_and_survive_rotation(settings, cast):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import activate_totp, totp_code

    old, new = master("old"), master("new")
    settings.SIDEBAR_MASTER_KEYS = settings_keys(old)
    secret = activate_totp(cast.team_leader)
    stored = Authenticator.objects.get(user=cast.team_leader, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)

    settings.SIDEBAR_MASTER_KEYS = settings_keys(f"{new},{old}")
    call_command("vault", "rotate")
    settings.SIDEBAR_MASTER_KEYS = settings_keys(new)
    stored.refresh_from_db()
    assert TOTP(stored).validate_code(totp_code(secret))
