"""Who may do what: staff of an area, its lead, leadership. Read from the
organisation file here; the Matrix adapter adds room membership and power
levels. Never from display names."""

from __future__ import annotations

from typing import Protocol

from knowledge.model import Organisation


class Roles(Protocol):
    def is_staff(self, user_id: str, area_id: str) -> bool: ...

    def staff_areas(self, user_id: str) -> list[str]: ...

    def is_leadership(self, user_id: str) -> bool: ...


class OrganisationRoles:
    def __init__(self, organisation: Organisation) -> None:
        self._org = organisation

    def is_staff(self, user_id: str, area_id: str) -> bool:
        area = self._org.area(area_id)
        return area is not None and (user_id in area.staff or user_id == area.lead_user)

    def staff_areas(self, user_id: str) -> list[str]:
        return [a.id for a in self._org.areas if self.is_staff(user_id, a.id)]

    def is_leadership(self, user_id: str) -> bool:
        return user_id in self._org.leadership
