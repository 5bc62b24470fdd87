from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from sidebar.core.admin_site import PolicyModelAdmin
from sidebar.outbox import services
from sidebar.outbox.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(PolicyModelAdmin):
    """What waits to be sent and what failed, for the administrator who looks after the mail
    server. The address is left out: who receives Sidebar's alerts is not the question here."""

    list_display = ["queued_at", "subject", "attempts", "last_error", "next_attempt_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "last_error"]
    fields = ["subject", "queued_at", "attempts", "last_error", "next_attempt_at", "sent_at"]
    readonly_fields = fields
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Try to send the selected e-mails now")
    def retry_now(self, request: HttpRequest, queryset: Any) -> None:
        count = services.retry_now(messages=queryset)
        self.message_user(request, f"{count} e-mail(s) will be sent at the worker's next run.", messages.SUCCESS)
