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
    "org.Agency.peer_team_phone": "a phone number shown to everyone",
    "audit.Checkpoint.head_hash": "a hash of the audit chain's head",
    "audit.Checkpoint.key_id": "the label of the key that signed it",
    "audit.Checkpoint.signature": "a signature",
    "reports.PublishedReport.period": "a period code such as 2026-11 or 2026-Q3",
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
    "vault.DataKey.holder_tag": "an HMAC of the sender's account id, erased by shredding",
    "vault.SealedValue.owner": "a record label (app.model:id)",
    "vault.SealedValue.field": "a field name from vault.services.IDENTITY_FIELDS",
    "safeguards.PolicyDocument.title": "the agency's published policy, about no one",
    "safeguards.PolicyDocument.body": "the agency's published policy, about no one",
    "support.AnonymousTicket.code": "a random ticket code",
    "support.AnonymousTicket.passphrase_hash": "a password hash",
    "incidents.GroupSession.place": "a room or a video link, sent to every invited unit",
    "incidents.MutualAid.other_agency": "the name of another public agency",
    "team.PeerProfile.introduction": "the peer's own words about themself for the directory, never about a contact",
    "training.Course.name": "a kind of training (an editable list entry)",
    "training.Course.description": "what a course teaches, about no one",
    "training.TrainingSession.trainer": "the professional who gives a training session",
    "training.TrainingSession.place": "a training room, shown to the team",
    "training.NeedsPoll.question": "the team leader's question about training needs",
    "training.PollChoice.label": "a course or topic the team leader offers; peers only tick choices",
    "training.Announcement.title": "news for the whole team (a webinar, a session); the form forbids writing about a person",
    "training.Announcement.body": "news for the whole team (a webinar, a session); the form forbids writing about a person",
    "recruitment.Round.title": "the team leader's recruitment round, about no one",
    "recruitment.Round.job_description": "the team leader's job description, about no one",
    "recruitment.Round.announcement": "the team leader's announcement e-mail, about no one",
    "recruitment.Nomination.reason": "why a colleague would make a good peer supporter (recruitment, never a contact)",
    # --- task: outbox (issue 13 section 1) ---
    "outbox.OutgoingMail.subject": "an e-mail Sidebar composed, which says only that something waits; deleted a day after it is sent",
    "outbox.OutgoingMail.body": "an e-mail Sidebar composed, which says only that something waits; deleted a day after it is sent",
    "outbox.OutgoingMail.attachment_name": "the file name of a calendar invitation",
    "outbox.OutgoingMail.attachment_type": "a content type",
    "outbox.OutgoingMail.last_error": "the class name of an SMTP error, never its text (it can quote the address)",
    # --- end task ---
    # --- task: issue 16, section 1: JSON fields can hold text too, so they are reviewed like the rest ---
    "team.PeerProfile.skills": "codes from the team's fixed list of skills",
    "team.PeerProfile.languages": "language codes",
    "recruitment.Round.questions": "the team leader's screening questions, about no one",
    "recruitment.Round.rubric": "the team leader's scoring criteria, about no one",
    "recruitment.Application.answers": "a candidate's own answers to the screening questions (recruitment, never a contact); kept with the application",
    "recruitment.Score.points": "numbers per criterion",
    "support.SupportRequest.topics": "topic codes ticked on the form from support.categories.Topic (the form offers no other); emptied when the identity is shredded",
    "support.Contact.topics": "topic codes from support.categories.Topic (the service refuses others)",
    "support.Contact.referrals": "referral codes from support.categories.Referral (the service refuses others)",
    "reports.PublishedReport.content": "figures as leadership saw them (counts, hidden cells), about no one",
    "incidents.Incident.follow_up_days": "numbers of days",
    # --- end task ---
}

# Support contacts and everything around them: not even a reviewed free-text field may live here.
CONTACT_APPS = ("support", "safeguards", "incidents")
CONTACT_EXEMPT = {
    "support.AnonymousTicket.code",
    "support.AnonymousTicket.passphrase_hash",
    # Group sessions are announced to whole units: where they meet is public to those invited.
    "incidents.GroupSession.place",
    # The agency helped or helping: another public body, never a person.
    "incidents.MutualAid.other_agency",
    # --- task: issue 16, section 1 ---
    # Lists of codes: a contact's are checked by the service (tests/support/test_contact_codes.py), a
    # request's topics are ticked from the fixed list on the form.
    "support.SupportRequest.topics",
    "support.Contact.topics",
    "support.Contact.referrals",
    "incidents.Incident.follow_up_days",
    # --- end task ---
}


def free_text_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("sidebar."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, (models.TextField, models.JSONField)) or (
                isinstance(field, models.CharField) and not field.choices and not isinstance(field, models.EmailField)
            ):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_no_model_describing_support_has_a_free_text_field():
    """Requests, assignments, contacts, check-ins, exceptions: codes, counts, dates only."""
    offending = {
        name
        for name in free_text_fields()
        if name.split(".")[0] in CONTACT_APPS
        and name not in CONTACT_EXEMPT
        and not name.startswith("safeguards.PolicyDocument")
    }
    assert offending == set()


def test_every_free_text_field_is_reviewed():
    unreviewed = free_text_fields() - set(REVIEWED_FREE_TEXT)
    assert not unreviewed, f"free-text fields that could hold content: {sorted(unreviewed)}"


def test_the_reviewed_list_has_no_stale_entries():
    assert set(REVIEWED_FREE_TEXT) <= free_text_fields()


# --- task: issue 16, section 1: the two places where words about a person are written ---
def test_the_only_free_text_about_a_person_is_sealed_in_the_vault_and_bounded():
    """What docs/privacy.md and the privacy page admit: an anonymous ticket's messages (the
    conversation itself) and a disclosure's note are written — encrypted under the request's key,
    bounded, and destroyed with the identity. The vault takes no other field."""
    from sidebar.safeguards.services import NOTE_MAX_LENGTH
    from sidebar.support.tickets import MESSAGE_MAX_LENGTH
    from sidebar.vault.services import IDENTITY_FIELDS

    assert set(IDENTITY_FIELDS) == {"person", "name", "email", "phone", "preferred_times", "message", "disclosure_note"}
    assert (NOTE_MAX_LENGTH, MESSAGE_MAX_LENGTH) == (280, 2000)
    assert f"at most {NOTE_MAX_LENGTH} characters" in IDENTITY_FIELDS["disclosure_note"]


def test_long_text_fields_are_the_documented_ones():
    """docs/privacy.md lists every unbounded text field ("Stored, and how"); none is about a contact."""
    long_text = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("sidebar.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    }
    assert long_text == {
        "recruitment.Round.job_description",
        "recruitment.Round.announcement",
        "training.Announcement.body",
        "safeguards.PolicyDocument.body",
        "outbox.OutgoingMail.body",
    }


# --- end task ---
