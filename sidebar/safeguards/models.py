"""Policy documents and signatures; confidentiality exceptions, consultations and disclosures."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from sidebar.support.categories import ExceptionCategory


class PolicyDocument(models.Model):
    """One published version of one of the program's documents. Versions are never edited:
    a change is a new version, and for the team agreement every member signs again."""

    class Kind(models.TextChoices):
        PEER_SUPPORT_POLICY = "peer_support_policy", "Peer support policy"
        CONFIDENTIALITY_POLICY = "confidentiality_policy", "Confidentiality policy and its exceptions"
        CONFIDENTIALITY_NOTICE = "confidentiality_notice", "Confidentiality notice (shown to people who ask)"
        TEAM_AGREEMENT = "team_agreement", "Team confidentiality agreement"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The agency's published text. Plain text; blank lines separate paragraphs.")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="one_version_number_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Signature(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signatures")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="sign_once")]

    def __str__(self) -> str:
        return f"signature {self.pk}"


class ConfidentialityException(models.Model):
    """A raised exception and its consultation: open → advised → decided. Only the category and
    the steps are recorded, never what was said."""

    class Status(models.TextChoices):
        OPEN = "open", "Open: waiting for the clinical advisor"
        ADVISED = "advised", "Advised: waiting for the decision"
        DECIDED = "decided", "Decided"

    class Advice(models.TextChoices):
        DISCLOSE = "disclose", "Disclosure is warranted"
        DO_NOT_DISCLOSE = "do_not_disclose", "Disclosure is not warranted"
        NEEDS_MORE = "needs_more", "Needs a conversation first"

    class Decision(models.TextChoices):
        DISCLOSE = "disclose", "Disclose"
        DO_NOT_DISCLOSE = "do_not_disclose", "Do not disclose"

    class AdviceOutcome(models.TextChoices):
        FOLLOWED = "followed", "Followed: the advice was binding"
        OVERRIDDEN = "overridden", "Overridden"

    class OverrideReason(models.TextChoices):
        """Why the team leader decided otherwise than the clinical advisor advised: a list, never
        free text (nothing about what was said may be written down)."""

        IMMINENT_DANGER = "imminent_danger", "A life was in danger and there was no time to consult again"
        CONVERSATION_HELD = "conversation_held", "The conversation the advisor asked for has taken place"
        NEW_INFORMATION = "new_information", "New information after the advice, shared with the advisor"
        COUNSEL_ADVISED = "counsel_advised", "The agency's counsel advised that the law requires otherwise"
        COURT_ORDER = "court_order", "A court ordered it, and counsel reviewed the order"
        WRITTEN_CONSENT = "written_consent", "The person gave written consent"
        CONSENT_WITHDRAWN = "consent_withdrawn", "The person withdrew their consent"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey("support.SupportRequest", on_delete=models.PROTECT, related_name="exceptions")
    category = models.CharField(max_length=30, choices=ExceptionCategory.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    advice = models.CharField(max_length=20, choices=Advice.choices, blank=True)
    advised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    advised_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Whether the decision followed the clinical advisor's advice, and if not, why (issue 16, 4).
    advice_outcome = models.CharField(max_length=20, choices=AdviceOutcome.choices, blank=True)
    override_reason = models.CharField(max_length=30, choices=OverrideReason.choices, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"exception {self.pk}"


class Disclosure(models.Model):
    """What was disclosed, structurally: to whom, when, on which basis, whether the person was
    told. A short note, if any, is sealed in the vault (field ``disclosure_note``)."""

    class Recipient(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        EMERGENCY_SERVICES = "emergency_services", "Emergency medical or crisis services"
        CHILD_PROTECTIVE = "child_protective", "Child or adult protective services"
        COURT = "court", "A court"
        AGENCY_MANAGEMENT = "agency_management", "Agency management"
        HUMAN_RESOURCES = "human_resources", "Human resources"
        FAMILY = "family", "Family member or emergency contact"
        OTHER_AGENCY = "other_agency", "Another agency"

    class Basis(models.TextChoices):
        DUTY_TO_WARN = "duty_to_warn", "Duty to warn / protect"
        MANDATED_REPORTING = "mandated_reporting", "Mandated reporting statute"
        COURT_ORDER = "court_order", "Court order, reviewed by counsel (a subpoena alone is not a basis)"
        AGENCY_POLICY = "agency_policy", "Agency policy (serious violation)"
        CONSENT = "consent", "The person's written consent"

    exception = models.OneToOneField(ConfidentialityException, on_delete=models.PROTECT, related_name="disclosure")
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    disclosed_on = models.DateField()
    basis = models.CharField(max_length=30, choices=Basis.choices)
    person_told = models.BooleanField()
    # Consent is a basis only when written and recorded (Cal. Gov. Code 8669.4(b)(4); in a group
    # session each participant's, 34 U.S.C. 50901(c)(2)): that it was obtained and when, never what.
    written_consent = models.BooleanField(default=False)
    written_consent_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"disclosure {self.pk}"
