"""Breached and guessable passwords are refused (ASVS V6.2.4, V6.2.11, V6.2.12): a bundled list
of leaked passwords, also when dressed up with capitals, symbols or digits, and the words anyone
would guess here — with a message that says why and what to do instead."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import CAST_PASSWORD, UnitFactory, make_account

pytestmark = pytest.mark.django_db


def _refusal(password: str, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize("password", ["Password123!", "P@ssw0rd2024!", "iloveyou1234", "Qwerty123456", "Football!2023"])
def test_breached_passwords_are_refused_with_a_reason(password):
    message = _refusal(password)
    assert "leaked" in message
    assert "unrelated words" in message


@pytest.mark.parametrize(
    "password", [CAST_PASSWORD, "lantern orchard pebble 77", "Blue-Kettle-Harbor-9", "the quiet river bends slowly"]
)
def test_ordinary_passphrases_are_accepted(password):
    validate_password(password)


def test_the_product_agency_and_unit_names_do_not_make_a_password(cast):
    from sidebar.org.selectors import current_agency

    UnitFactory(name="Felony Trial Division")
    agency = current_agency()
    for password in ("Sidebar2024!!", "SideBar-Sidebar-1", "FelonyTrial2024!", f"{agency.name}1!"):
        assert "anyone would guess" in _refusal(password), password
    validate_password("the sidebar is where judges whisper")


def test_the_persons_own_address_does_not_make_a_password():
    member = make_account("jordan.reyes@example.gov")
    assert "anyone would guess" in _refusal("JordanReyes2024!", member)


def test_choosing_a_breached_password_on_the_page_is_refused_and_says_why(client):
    member = make_account("jordan.reyes@example.gov", password=CAST_PASSWORD)
    client.force_login(member)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": CAST_PASSWORD, "password1": "P@ssw0rd2024!", "password2": "P@ssw0rd2024!"},
    )
    assert response.status_code == 200
    assert "leaked" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(CAST_PASSWORD)


class _RangeAPI(BaseHTTPRequestHandler):
    """Stands in for the Pwned Passwords range API on the loopback address: knows one password."""

    known = "a strange but leaked passphrase"

    def do_GET(self) -> None:
        digest = hashlib.sha1(self.known.encode(), usedforsecurity=False).hexdigest().upper()
        body = f"{digest[5:]}:42\r\n{'0' * 35}:0\r\n" if self.path.endswith(digest[:5]) else f"{'0' * 35}:0\r\n"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_the_optional_range_api_is_asked_only_when_switched_on(settings):
    server = HTTPServer(("127.0.0.1", 0), _RangeAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.SIDEBAR_PWNED_PASSWORDS_URL = f"http://127.0.0.1:{server.server_port}/range/"
        validate_password(_RangeAPI.known)  # off by default
        settings.SIDEBAR_PWNED_PASSWORDS_API = True
        assert "leaked" in _refusal(_RangeAPI.known)
        validate_password("another passphrase nobody leaked")
    finally:
        server.shutdown()
        server.server_close()


def test_an_unreachable_range_api_leaves_the_offline_check_in_charge(settings):
    settings.SIDEBAR_PWNED_PASSWORDS_API = True
    settings.SIDEBAR_PWNED_PASSWORDS_URL = "http://127.0.0.1:9/range/"
    validate_password("another passphrase nobody leaked")
    assert "leaked" in _refusal("Password123!")
