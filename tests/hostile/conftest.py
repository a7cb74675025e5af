"""The hostile suite uses the adapters' real-client fixtures: the fake Microsoft cloud
with the real Agents SDK, and the real Synapse with nio clients."""

from __future__ import annotations

from tests.adapters.matrix.conftest import world
from tests.adapters.teams.conftest import cloud, teams

__all__ = ["cloud", "teams", "world"]
