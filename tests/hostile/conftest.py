"""Fixtures of the hostile tests (defined in ``tests/hostile/channels.py``)."""

from __future__ import annotations

from tests.adapters.matrix.conftest import homeserver  # noqa: F401
from tests.hostile.channels import cloud, db, teams, world  # noqa: F401
