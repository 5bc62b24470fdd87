"""The settings module refuses unsafe production set-ups and passes Django's deploy checks."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    skip = ("SIDEBAR_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the last is set for browser tests
    env = {key: value for key, value in os.environ.items() if not key.startswith(skip)}
    env.update(
        SIDEBAR_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        SIDEBAR_MASTER_KEY="k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="sidebar.example.gov",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        SIDEBAR_KEY_STORE=f"file://{tmp_path}/keys",
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_warnings_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"SIDEBAR_MASTER_KEY": ""}, "SIDEBAR_MASTER_KEY"),
        ({"SIDEBAR_MASTER_KEY": "k1:dG9vLXNob3J0"}, "must decode to 32 bytes"),
        ({"SIDEBAR_KEY_STORE": ""}, "SIDEBAR_KEY_STORE"),
        ({"SIDEBAR_EPOCH_DAYS": "7"}, "SIDEBAR_EPOCH_DAYS must be at most 6"),
        ({"SIDEBAR_MODE": "staging"}, "SIDEBAR_MODE must be one of"),
        ({"DATABASE_URL": "mysql://root@localhost/sidebar"}, "DATABASE_URL must start with"),
        (
            {
                "SSO_OIDC_SERVER_URL": "http://login.example.gov/o",
                "SSO_OIDC_CLIENT_ID": "c",
                "SSO_OIDC_CLIENT_SECRET": "s",
            },
            "must start with https://",
        ),
    ],
)
def test_production_refuses_to_start_with_a_clear_message(tmp_path, overrides, message):
    result = manage(production_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(60))
    env = production_env(tmp_path, SECRET_KEY="", SECRET_KEY_FILE=str(key_file))
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr


def test_single_sign_on_over_http_only_from_a_provider_on_this_machine(tmp_path):
    """Tokens travel between Sidebar and the provider: plain http only over loopback, which
    never leaves the host (the day-one test runs its provider that way)."""
    sso = {"SSO_OIDC_CLIENT_ID": "sidebar", "SSO_OIDC_CLIENT_SECRET": "s" * 20}
    loopback = manage(production_env(tmp_path, SSO_OIDC_SERVER_URL="http://127.0.0.1:9000/o", **sso), "check")
    assert loopback.returncode == 0, loopback.stderr
    lookalike = manage(production_env(tmp_path, SSO_OIDC_SERVER_URL="http://127.0.0.1.example.gov/o", **sso), "check")
    assert lookalike.returncode != 0 and "must start with https://" in lookalike.stderr
