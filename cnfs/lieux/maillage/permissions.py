"""Who may see the coverage analysis (maillage territorial), and on which territory."""

from __future__ import annotations

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, can_view_departement, has_role, is_national

COVERAGE_ROLES = (Role.ANCT, Role.PREFECTURE, Role.HUB)


def can_view_coverage(user) -> bool:
    """The national team, prefectures and hubs see coverage pages (each on its own territory)."""
    return is_national(user) or has_role(user, *COVERAGE_ROLES)


def can_view_national_coverage(user) -> bool:
    """Only the national team (role `anct`, national scope) sees the whole country."""
    return is_national(user)


def can_view_departement_coverage(user, code: str) -> bool:
    """The national team everywhere; a prefecture on its département; a hub or a regional agent on theirs."""
    return can_view_coverage(user) and can_view_departement(user, code)


def coverage_departements(user) -> list[str] | None:
    """Département codes whose coverage the user sees: None for the whole country, [] for none."""
    if not can_view_coverage(user):
        return []
    if is_national(user):
        return None
    return sorted(Scope.for_user(user).departements)
