"""Register Sidebar as a confidential RS256 client and create the provider's users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

PASSWORD = "provider-password-for-tests"


class Command(BaseCommand):
    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", action="append", required=True)
        parser.add_argument("--user", action="append", default=[], help="an e-mail address (also the username)")

    def handle(self, *args: Any, **options: Any) -> None:
        Application.objects.create(
            name="Sidebar",
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(options["redirect_uri"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
        for email in options["user"]:
            User.objects.create_user(username=email, email=email, password=PASSWORD)
