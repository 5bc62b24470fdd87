"""Starts the test OpenID Connect provider (tests/oidc_provider) as its own process, and signs a
person in there the way a browser would (for test-client tests that need no browser)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "sidebar-test-client"
CLIENT_SECRET = "sidebar-test-client-secret-0123456789"
PASSWORD = "provider-password-for-tests"
CALLBACK = "/accounts/oidc/agency/login/callback/"
# Everyone the provider knows: the cast's staff member and team leader, a roster person without
# an account yet, a leaver, and someone who is not on Sidebar's roster at all.
USERS = (
    "staff@example.gov",
    "leader@example.gov",
    "newcomer@example.gov",
    "leaver@example.gov",
    "stranger@example.gov",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Provider:
    url: str  # the issuer: http://127.0.0.1:<port>/o
    claims_file: Path
    process: subprocess.Popen[bytes]
    told: dict[str, dict[str, Any]] = field(default_factory=dict)

    def tell(self, email: str, **claims: Any) -> None:
        """What the provider says about ``email``'s next sign-in: ``amr``, ``acr``, ``email_verified``."""
        self.told[email] = claims
        self.claims_file.write_text(json.dumps(self.told), encoding="utf-8")

    def forget(self) -> None:
        self.told = {}
        self.claims_file.write_text("{}", encoding="utf-8")

    def sign_in(self, authorize_url: str, email: str) -> str:
        """Sign ``email`` in at the provider and follow the authorization request; returns the
        redirect back to Sidebar (its path and query: code and state)."""
        with requests.Session() as browser:
            login_url = urljoin(self.url, "/login/")
            page = browser.get(login_url, timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token, page.text
            response = browser.post(
                login_url,
                data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1), "next": ""},
                headers={"Referer": login_url},
                allow_redirects=False,
                timeout=10,
            )
            assert response.status_code == 302, response.text
            response = browser.get(authorize_url, allow_redirects=False, timeout=10)
            assert response.status_code == 302, response.text
            location = response.headers["Location"]
            assert CALLBACK in location, location
            return location[location.index(CALLBACK) :]


def start_provider(
    directory: Path, *, redirect_uris: list[str] | None = None, users: tuple[str, ...] = USERS
) -> Provider:
    """The provider, migrated, with a confidential client whose redirect URIs are Sidebar's
    callback (on the test client's and the live server's hosts unless ``redirect_uris``), and an
    account for each of ``users``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = directory / "key.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    claims_file = directory / "claims.json"
    claims_file.write_text("{}", encoding="utf-8")
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("SIDEBAR_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(key_file),
        "OIDC_PROVIDER_CLAIMS": str(claims_file),
        "OAUTHLIB_INSECURE_TRANSPORT": "1",  # this test process only: the provider speaks http
        "PYTHONPATH": str(ROOT),
    }
    django = [sys.executable, "-m", "django"]
    subprocess.run([*django, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    if redirect_uris is None:
        redirect_uris = [f"http://{host}{CALLBACK}" for host in ("testserver", "localhost")]
    subprocess.run(
        [
            *django,
            "setup_provider",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            *[arg for uri in redirect_uris for arg in ("--redirect-uri", uri)],
            *[arg for email in users for arg in ("--user", email)],
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    port = free_port()
    log = (directory / "provider.log").open("wb")
    process = subprocess.Popen(
        [*django, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/o"
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"the test OpenID Connect provider stopped: see {directory / 'provider.log'}")
        try:
            if requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok:
                return Provider(url=url, claims_file=claims_file, process=process)
        except requests.ConnectionError:
            pass
        time.sleep(0.1)  # waiting for a server to listen, not measuring anything
    process.terminate()
    raise RuntimeError("the test OpenID Connect provider did not start")
