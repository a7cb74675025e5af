"""The real Synapse of tests/adapters/matrix, for the hostile tests that need Matrix."""

from __future__ import annotations

from tests.adapters.matrix.conftest import homeserver  # noqa: F401 (a session fixture)
