"""Roles on Matrix: staff of an area are the joined members of the area's room with
at least the configured power level, plus whoever the organisation file names.
Someone only invited is not staff (nio's ``room.users`` holds invitees too).
Read from the client's synced room state: no network call, never display names."""

from __future__ import annotations

from typing import Any

from knowledge.model import Organisation
from routing.roles import OrganisationRoles


class MatrixRoles(OrganisationRoles):
    def __init__(
        self,
        organisation: Organisation,
        rooms: dict[str, Any],
        min_power: int = 0,
        bot_user: str = "",
    ) -> None:
        super().__init__(organisation)
        self._org = organisation
        self._rooms = rooms  # nio's AsyncClient.rooms, kept current by sync
        self._min_power = min_power
        self._bot = bot_user

    def is_staff(self, user_id: str, area_id: str) -> bool:
        if super().is_staff(user_id, area_id):
            return True
        area = self._org.area(area_id)
        if area is None or not area.room or user_id == self._bot:
            return False
        room = self._rooms.get(area.room)
        if room is None or user_id not in room.users or user_id in room.invited_users:
            return False  # not a member, or only invited
        level = room.power_levels.get_user_level(user_id)
        return bool(level >= self._min_power)

    def staff_areas(self, user_id: str) -> list[str]:
        return [a.id for a in self._org.areas if self.is_staff(user_id, a.id)]
