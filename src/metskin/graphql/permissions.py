"""Permission classes: authenticated, and one per role.

They raise domain errors (never mutate shared state), so each error carries its own code.
"""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from metskin.domain.accounts.model import Role
from metskin.domain.errors import Forbidden


class IsAuthenticated(BasePermission):
    message = "Log in to do this."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_viewer()
        return True


class _HasRole(BasePermission):
    roles: ClassVar[tuple[Role, ...]] = ()
    message = "You do not have access to this."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if info.context.require_viewer().role not in self.roles:
            raise Forbidden(self.message)
        return True


class IsPatient(_HasRole):
    roles = (Role.PATIENT, Role.ADMIN)


class IsDermatologist(_HasRole):
    roles = (Role.DERMATOLOGIST, Role.ADMIN)


class IsAdmin(_HasRole):
    roles = (Role.ADMIN,)


def guarded_field(permission: type[BasePermission], description: str | None = None) -> Any:
    """A query field (resolver decorator) open only to callers that pass `permission`."""
    return strawberry.field(permission_classes=[permission], description=description)


def guarded_mutation(permission: type[BasePermission], description: str | None = None) -> Any:
    """A mutation open only to callers that pass `permission`."""
    return strawberry.mutation(permission_classes=[permission], description=description)


def guarded_subscription(permission: type[BasePermission], description: str | None = None) -> Any:
    """A subscription open only to callers that pass `permission`."""
    return strawberry.subscription(permission_classes=[permission], description=description)
