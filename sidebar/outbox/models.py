from __future__ import annotations

import uuid

from django.core.mail import EmailMessage
from django.db import models
from django.utils import timezone


class OutgoingMail(models.Model):
    """One e-mail to one recipient. Written in the transaction whose change it announces, so a
    crash can lose neither without the other; the worker sends it and marks it sent only after
    the SMTP server accepted it (a crash in between sends it twice, which is harmless: Sidebar's
    e-mails say only that something waits). The address is personal data: a sent row is deleted
    a day later (sidebar.outbox.services.SENT_KEPT)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(blank=True, default=b"")
    queued_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # the exception's class only: an SMTP server's answer can quote the address
    last_error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "queued_at"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = "outgoing e-mail"
        verbose_name_plural = "outgoing e-mails"

    def __str__(self) -> str:
        # never the address: this shows in the admin and in logs
        return f"e-mail {self.pk}"

    def as_email(self) -> EmailMessage:
        message = EmailMessage(self.subject, self.body, None, [self.recipient])
        if self.attachment_name:
            message.attach(self.attachment_name, bytes(self.attachment), self.attachment_type)
        return message
