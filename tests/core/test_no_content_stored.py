"""Invariant 1: no content is stored. Every free-text field in Sidebar's own models is listed
here with the reason it cannot describe a support contact; a new one fails this test until
someone decides, in review, that it is not content."""

from __future__ import annotations

from django.apps import apps
from django.db import models

REVIEWED_FREE_TEXT: dict[str, str] = {
    "org.Agency.name": "the agency",
    "org.Agency.crisis_line": "a phone number shown to everyone",
    "org.Agency.eap_phone": "a phone number shown to everyone",
    "org.Agency.timezone": "a time zone name",
    "org.RankTier.name": "an editable list entry",
    "org.Unit.name": "an organisational unit",
    "org.Person.full_name": "the staff record: who works here, not who asked for help",
    "org.Person.phone": "the staff record",
    "org.Person.title": "the staff record",
    "accounts.User.first_name": "unused by Sidebar (Django's user model)",
    "accounts.User.last_name": "unused by Sidebar (Django's user model)",
    "accounts.User.password": "a password hash",
    "audit.AuditEvent.object_type": "a model label",
    "audit.AuditEvent.object_id": "an id",
    "audit.AuditEvent.detail": "a code written by Sidebar's own services (role, field names), never user input",
    "audit.AuditEvent.prev_hash": "a hash",
    "audit.AuditEvent.hash": "a hash",
    "audit.ChainHead.last_hash": "a hash",
    "vault.DataKey.master_key_id": "a key id",
    "vault.SealedValue.owner": "a record label (app.model:id)",
    "vault.SealedValue.field": "a field name from vault.services.IDENTITY_FIELDS",
}


def free_text_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("sidebar."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField) or (isinstance(field, models.CharField) and not field.choices and not isinstance(field, models.EmailField)):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_no_model_has_a_text_field_at_all():
    text_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("sidebar.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    ]
    assert text_fields == []


def test_every_free_text_field_is_reviewed():
    unreviewed = free_text_fields() - set(REVIEWED_FREE_TEXT)
    assert not unreviewed, f"free-text fields that could hold content: {sorted(unreviewed)}"


def test_the_reviewed_list_has_no_stale_entries():
    assert set(REVIEWED_FREE_TEXT) <= free_text_fields()
