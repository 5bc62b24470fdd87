"""Forms of the anonymous channel. They check input; the rules live in sidebar/support/tickets.py."""

from __future__ import annotations

import secrets

from django import forms

from sidebar.support import tickets
from sidebar.support.forms import RequestBasicsForm


class AskAnonymouslyForm(RequestBasicsForm):
    message = forms.CharField(
        max_length=tickets.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your message to the peer supporter",
        error_messages={"required": "Write a few words to the peer supporter; whatever you want them to know."},
        help_text=f"Up to {tickets.MESSAGE_MAX_LENGTH} characters. Leave out names and details that would identify you, unless you want to be recognised.",
    )
    preferred_times = forms.CharField(
        required=False,
        max_length=tickets.PREFERRED_TIMES_MAX_LENGTH,
        label="When could a peer answer you? (optional)",
        help_text="For example: weekday evenings. You read answers with your ticket code, whenever you like.",
    )
    # One-time token: a reload of the confirmation page must not send the request twice.
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial["submission"] = secrets.token_urlsafe(24)


class OpenTicketForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Ticket code",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text="Like ABCD-EFGH-JKLM-NPQR. Dashes and spaces do not matter.",
    )
    passphrase = forms.CharField(
        max_length=60,
        label="Passphrase",
        # Not a password field: the person copies it from paper, and the page is not cached.
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
        help_text="Like abcd-efgh-jkmn-pqrs.",
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        max_length=tickets.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Your reply",
        error_messages={"required": "Write your reply first."},
        help_text=f"Up to {tickets.MESSAGE_MAX_LENGTH} characters.",
    )


class CloseTicketForm(forms.Form):
    shred_now = forms.BooleanField(required=False, label="And delete every message now")
