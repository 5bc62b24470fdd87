from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """E-mail claims for every user, plus what the test says about the authentication: ``amr``
    and ``acr`` (and ``email_verified``), read per e-mail from the claims file the tests write."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid", "acr": "openid"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        told = json.loads(Path(os.environ["OIDC_PROVIDER_CLAIMS"]).read_text(encoding="utf-8")).get(user.email, {})
        claims: dict[str, Any] = {
            "email": user.email,
            "email_verified": told.get("email_verified", True),
            "name": user.get_full_name() or user.email,
        }
        claims.update({key: told[key] for key in ("amr", "acr") if key in told})
        return claims
