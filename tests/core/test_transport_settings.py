"""What travels, and how (issue 17: ASVS V3.3.1, V3.3.3, V4.1.1, V12.3.1): cookie names that a
subdomain or plain http cannot set, a charset on every text answer, TLS to the mail server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from tests.core.test_settings import manage, production_env

# Prints the settings production mode ends up with, and the cookies a real answer sets.
_SHOW_SETTINGS = """
import json
from django.conf import settings as s
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.csrf import CsrfViewMiddleware

def view(request):
    request.session["seen"] = True
    get_token(request)
    return HttpResponse("ok")

request = RequestFactory().get("/", secure=True, HTTP_HOST="sidebar.example.gov")
# a store that needs no table: the cookie's name and attributes are the same whatever the store
with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"):
    response = SessionMiddleware(CsrfViewMiddleware(view))(request)
cookies = {
    name: {"secure": bool(c["secure"]), "path": c["path"], "domain": c["domain"], "httponly": bool(c["httponly"])}
    for name, c in response.cookies.items()
}
print(json.dumps({
    "session": s.SESSION_COOKIE_NAME, "csrf": s.CSRF_COOKIE_NAME, "cookies": cookies,
    "tls": s.EMAIL_USE_TLS, "ssl": s.EMAIL_USE_SSL,
}))
"""


def production_settings(tmp_path: Path, **overrides: str) -> dict[str, object]:
    result = manage(production_env(tmp_path, **overrides), "shell", "-c", _SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_carry_the_host_prefix_secure_at_the_root_with_no_domain(tmp_path):
    """A `__Host-` cookie is accepted by browsers only from https, for the whole site, without a
    Domain attribute: a neighbouring subdomain (or a man in the middle on plain http) cannot plant
    a session or CSRF cookie that Sidebar would then trust."""
    shown = production_settings(tmp_path)
    assert shown["session"] == "__Host-sidebar_session"
    assert shown["csrf"] == "__Host-sidebar_csrf"
    cookies = shown["cookies"]
    assert set(cookies) == {"__Host-sidebar_session", "__Host-sidebar_csrf"}
    for attributes in cookies.values():
        assert attributes == {"secure": True, "path": "/", "domain": "", "httponly": True}


def test_without_https_the_cookies_keep_plain_names(tmp_path):
    """A closed test over http (SIDEBAR_HTTPS=false, as the day-one test runs production mode, and
    demo and test modes) keeps names a browser accepts without TLS."""
    shown = production_settings(tmp_path, SIDEBAR_HTTPS="false")
    assert not str(shown["session"]).startswith("__Host-")
    assert not str(shown["csrf"]).startswith("__Host-")


def test_production_sends_mail_over_tls_by_default(tmp_path):
    shown = production_settings(tmp_path, EMAIL_HOST="smtp.example.gov", EMAIL_PORT="587")
    assert shown["tls"] is True and shown["ssl"] is False


def test_implicit_tls_replaces_starttls_and_plain_smtp_stays_on_this_machine(tmp_path):
    """EMAIL_USE_SSL (port 465) turns STARTTLS off by itself; a relay on this very machine (the
    default localhost, the day-one test's) is spoken to in plain SMTP, since nothing leaves the host."""
    implicit = production_settings(tmp_path, EMAIL_HOST="smtp.example.gov", EMAIL_USE_SSL="true")
    assert implicit["tls"] is False and implicit["ssl"] is True
    local = production_settings(tmp_path, EMAIL_HOST="127.0.0.1")
    assert local["tls"] is False
    refused = manage(production_env(tmp_path, EMAIL_USE_TLS="true", EMAIL_USE_SSL="true"), "check")
    assert refused.returncode != 0 and "EMAIL_USE_TLS and EMAIL_USE_SSL" in refused.stderr


@pytest.mark.django_db
def test_health_check_names_its_charset():
    """V4.1.1: every text answer says how it is encoded, so no browser guesses (and sniffs)."""
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
