"""``stodbot serve``, its Teams key lookups pointed at the fake Microsoft cloud of
tests/adapters/teams (``FAKE_CLOUD_JWKS``): everything else is the real command,
configured by environment. ``python -m tests.hostile.serve_fake_cloud``"""

from __future__ import annotations

import os
import sys

from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator

from adapters.cli.main import main
from adapters.teams.adapter import TeamsAdapter
from tests.adapters.teams.fake_cloud import ISSUER

if __name__ == "__main__":
    jwks = os.environ["FAKE_CLOUD_JWKS"]
    jwt_token_validator.BOTFRAMEWORK_JWKS_URIS[ISSUER] = jwks
    TeamsAdapter.__init__.__kwdefaults__["jwks_uri"] = jwks
    sys.exit(main(["serve"]))
