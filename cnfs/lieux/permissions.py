"""Who may see or change which places. Scope is read once per request (`Scope.for_user`)."""

from __future__ import annotations

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national
from cnfs.lieux.models import Lieu

MANAGER_ROLES = frozenset({Role.ANCT, Role.PREFECTURE, Role.HUB, Role.STRUCTURE})


def can_open_gestion(user) -> bool:
    """The management pages are for the national team, prefectures, hubs and structures."""
    return user.is_authenticated and (is_national(user) or bool(Scope.for_user(user).roles & MANAGER_ROLES))


def owns(user, lieu: Lieu) -> bool:
    """A structure manages the places whose `structure_id` is one of its structure scopes."""
    return bool(lieu.structure_id) and lieu.structure_id in Scope.for_user(user).object_ids(Role.STRUCTURE)


def can_view_lieu(user, lieu: Lieu) -> bool:
    """National team: every place; prefecture, hub and regional agents: places of their départements;
    structures: their own places."""
    if not user.is_authenticated:
        return False
    if is_national(user) or owns(user, lieu):
        return True
    scope = Scope.for_user(user)
    territorial = scope.roles & {Role.PREFECTURE, Role.HUB, Role.ANCT}
    return bool(territorial) and scope.covers_departement(lieu.commune.departement.code)


def can_edit_lieu(user, lieu: Lieu) -> bool:
    """Only the national team and the structure that manages the place change it; prefectures and hubs read."""
    return user.is_authenticated and (is_national(user) or owns(user, lieu))


def structures_of(user) -> list[str]:
    """Structures on whose behalf the user may create places (sorted for a stable default)."""
    return sorted(Scope.for_user(user).object_ids(Role.STRUCTURE))


def can_create_lieu(user) -> bool:
    """The national team, and structure managers for their structure."""
    return user.is_authenticated and (is_national(user) or bool(structures_of(user)))


def can_import(user) -> bool:
    """Imports of national files are for the national team only."""
    return user.is_authenticated and is_national(user)
