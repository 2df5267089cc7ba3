"""Who may see or do what, by role and scope. Every view and API endpoint asks here.

Scope is read once per request (`Scope.for_user`) so list pages never query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import PermissionDenied

from cnfs.core.enums import Role, ScopeType


@dataclass(frozen=True)
class Scope:
    """What a user covers: national, or a set of département codes and organisations, per role."""

    roles: frozenset[str] = frozenset()
    national: bool = False
    departements: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    hub_ids: frozenset[int] = frozenset()
    # {(role, object_id)} for structure and organisation scopes.
    organisations: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def for_user(cls, user) -> Scope:
        if not user or not user.is_authenticated:
            return cls()
        cached = getattr(user, "_cnfs_scope", None)
        if cached is not None:
            return cached
        roles, deps, regions, hubs, orgs = set(), set(), set(), set(), set()
        national = False
        assignments = user.role_assignments.select_related("departement", "region", "hub").prefetch_related(
            "region__departements", "hub__departements"
        )
        for a in assignments:
            roles.add(a.role)
            if a.scope_type == ScopeType.NATIONAL:
                national = True
            elif a.scope_type == ScopeType.DEPARTEMENT:
                deps.add(a.departement.code)
            elif a.scope_type == ScopeType.REGION:
                regions.add(a.region.code)
                deps.update(d.code for d in a.region.departements.all())
            elif a.scope_type == ScopeType.HUB:
                hubs.add(a.hub_id)
                deps.update(d.code for d in a.hub.departements.all())
            elif a.scope_type in (ScopeType.STRUCTURE, ScopeType.ORGANISATION):
                orgs.add((a.role, a.object_id))
        scope = cls(
            roles=frozenset(roles),
            national=national,
            departements=frozenset(deps),
            regions=frozenset(regions),
            hub_ids=frozenset(hubs),
            organisations=frozenset(orgs),
        )
        user._cnfs_scope = scope
        return scope

    def covers_departement(self, code: str | None) -> bool:
        return self.national or (code is not None and code in self.departements)

    def object_ids(self, *roles: str) -> set[str]:
        return {oid for role, oid in self.organisations if role in roles}


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of `roles`, whatever its scope."""
    return user.is_authenticated and bool(Scope.for_user(user).roles.intersection(roles))


def is_national(user) -> bool:
    """The national programme team (role `anct` on the national scope) sees and changes everything."""
    scope = Scope.for_user(user)
    return Role.ANCT in scope.roles and scope.national


def can_view_departement(user, departement_code: str) -> bool:
    """National team everywhere; prefecture, hub and regional agents on the départements they cover."""
    if is_national(user):
        return True
    scope = Scope.for_user(user)
    territorial = {Role.PREFECTURE, Role.HUB, Role.ANCT}
    return bool(scope.roles & territorial) and scope.covers_departement(departement_code)


def role_required(*roles: str):
    """View decorator: refuse (403) anyone who holds none of `roles`. Login is already enforced by middleware."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles) and not is_national(request.user):
                raise PermissionDenied("Vous n’avez pas accès à cette page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
