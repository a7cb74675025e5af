"""Fixtures of the hostile tests (defined in ``tests/hostile/channels.py``): each on
SQLite and on PostgreSQL, with the real clients (the Agents SDK against the fake
Microsoft cloud, nio against the real Synapse)."""

from __future__ import annotations

from tests.hostile.channels import cloud, db, teams, world  # noqa: F401
