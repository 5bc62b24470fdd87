"""Single sign-on tests run against a real OpenID Connect provider (tests/oidc_provider, served by
django-oauth-toolkit in its own process), started once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from pytest_django import Settings

from sidebar.settings import sso_form_action, sso_oidc_apps
from tests.browser.conftest import base_url, browser_type_launch_args, journey  # noqa: F401 (browser journeys)
from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, Provider, start_provider

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    provider = start_provider(tmp_path_factory.mktemp("oidc_provider"))
    try:
        yield provider
    finally:
        provider.process.terminate()
        provider.process.wait(timeout=10)


@pytest.fixture
def sso(oidc_provider: Provider, settings: Settings) -> Provider:
    """Sidebar configured for the test provider, as SSO_OIDC_* would configure it."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": sso_oidc_apps(oidc_provider.url, CLIENT_ID, CLIENT_SECRET, "your agency account"),
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], *sso_form_action(oidc_provider.url)]},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    oidc_provider.forget()
    return oidc_provider


@pytest.hookimpl(tryfirst=True)  # before pytest-django orders tests by their database markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser journeys here share tests/browser's harness: the same markers and the same skip.
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents and "journey" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"browser tests need Debian's Chromium at {CHROMIUM}"))
