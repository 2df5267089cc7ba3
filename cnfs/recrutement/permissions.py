"""Who may see or do what in the recruitment chain. Views and services both ask here.

Structures are reached through `RoleAssignment(role="structure", scope_type="structure", object_id=str(pk))`;
territorial roles through the départements of their scope (a région scope covers its départements).
Every predicate reads the user's `Scope` once per request, never per row.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national

TERRITORIAL_ROLES = frozenset({Role.PREFECTURE, Role.HUB})


def _departement_code(structure) -> str | None:
    return structure.commune.departement.code if structure.commune_id else None


def managed_structure_ids(user) -> set[int]:
    """Primary keys of the structures `user` manages through a `structure` role."""
    ids = set()
    for oid in Scope.for_user(user).object_ids(Role.STRUCTURE):
        if oid.isdigit():
            ids.add(int(oid))
    return ids


def can_manage_structure(user, structure) -> bool:
    """The structure's own managers act on its requests, matches and recruitments; the national team too."""
    if not user.is_authenticated:
        return False
    return is_national(user) or structure.pk in managed_structure_ids(user)


def can_view_structure(user, structure) -> bool:
    """Managers and the national team; prefecture and hub agents of the structure's département."""
    if can_manage_structure(user, structure):
        return True
    scope = Scope.for_user(user)
    return bool(scope.roles & TERRITORIAL_ROLES) and scope.covers_departement(_departement_code(structure))


def can_give_avis(user, demande) -> bool:
    """Only a prefecture agent whose département (or région) holds the requesting structure gives an opinion."""
    if not user.is_authenticated:
        return False
    scope = Scope.for_user(user)
    return Role.PREFECTURE in scope.roles and _departement_code(demande.structure) in scope.departements


def can_run_comite(user) -> bool:
    """The selection committee and the validation of recruitments and departures belong to the national team."""
    return user.is_authenticated and is_national(user)


def can_edit_candidature(user, candidature) -> bool:
    """A candidate edits only their own application (the national team may correct any)."""
    if not user.is_authenticated:
        return False
    return (candidature.user_id is not None and candidature.user_id == user.pk) or is_national(user)


def can_view_candidature(user, candidature, *, related_structure_ids: set[int] | None = None) -> bool:
    """Owner and national team; a structure once the candidate is in relation with it (CV included).

    `related_structure_ids` (structures already in relation with the candidate) may be given to avoid a query.
    """
    if can_edit_candidature(user, candidature):
        return True
    managed = managed_structure_ids(user)
    if not managed:
        return False
    if related_structure_ids is None:
        related_structure_ids = set(candidature.mises_en_relation.values_list("structure_id", flat=True))
    return bool(managed & related_structure_ids)


def structures_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Filter a Structure queryset down to what `user` may see (one query, no per-row check)."""
    if is_national(user):
        return queryset
    scope = Scope.for_user(user)
    condition = Q(pk__in=managed_structure_ids(user))
    if scope.roles & TERRITORIAL_ROLES:
        condition |= Q(commune__departement__code__in=scope.departements)
    return queryset.filter(condition)


# --- Files and global suggestion (imports, exports, suggestion page) ---------------------------------------------


def can_import_files(user) -> bool:
    """Pix results and priority-zone files are imported by the national team only."""
    return user.is_authenticated and is_national(user)


def suggestion_departements(user) -> frozenset[str] | None:
    """Départements whose global suggestion `user` may look at: None for the whole country (national team),
    the départements of a hub's or prefecture's scope, an empty set for everybody else."""
    if not user.is_authenticated:
        return frozenset()
    if is_national(user):
        return None
    scope = Scope.for_user(user)
    return scope.departements if scope.roles & TERRITORIAL_ROLES else frozenset()


def can_propose(user, structure) -> bool:
    """Turning a line of the suggestion into a proposal to the structure: national team, or the hub of its
    département. Prefectures read the suggestion without acting on it."""
    if not user.is_authenticated:
        return False
    if is_national(user):
        return True
    scope = Scope.for_user(user)
    return Role.HUB in scope.roles and _departement_code(structure) in scope.departements
