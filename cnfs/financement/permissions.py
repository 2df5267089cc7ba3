"""Who may see or do what with the programme's money. Views, API, exports and services all ask here.

The national team (`anct`, national scope) sees everything and makes every budget decision. A structure sees and
signs its own conventions and asks for equipment grants for the places it manages. Prefecture and hub agents read
the conventions and grants of their départements. Each predicate reads the user's `Scope` once per request.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national
from cnfs.lieux import permissions as lieux_permissions
from cnfs.recrutement import permissions as recrutement_permissions

TERRITORIAL_ROLES = frozenset({Role.PREFECTURE, Role.HUB})
CATALOGUE_ROLES = frozenset({Role.ANCT, Role.PREFECTURE, Role.HUB, Role.STRUCTURE})


def can_manage_budget(user) -> bool:
    """Envelopes, barèmes, conventions, payments and grant decisions belong to the national team."""
    return user.is_authenticated and is_national(user)


def can_view_territoire(user) -> bool:
    """The territorial funding page is for prefecture and hub agents (and the national team)."""
    return user.is_authenticated and (is_national(user) or bool(Scope.for_user(user).roles & TERRITORIAL_ROLES))


def can_view_convention(user, convention) -> bool:
    """Whoever may see the structure: its managers, the national team, agents of its département."""
    return recrutement_permissions.can_view_structure(user, convention.structure)


def can_sign_convention(user, convention) -> bool:
    """The structure's managers sign (or decline) their convention; the national team may record it for them."""
    return recrutement_permissions.can_manage_structure(user, convention.structure)


def conventions_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Filter a Convention queryset down to what `user` may see (one query, no per-row check)."""
    if is_national(user):
        return queryset
    scope = Scope.for_user(user)
    condition = Q(structure_id__in=recrutement_permissions.managed_structure_ids(user))
    if scope.roles & TERRITORIAL_ROLES:
        condition |= Q(structure__commune__departement__code__in=scope.departements)
    return queryset.filter(condition)


def can_view_catalogue(user) -> bool:
    """The furniture catalogue and its plans are for the programme's managers of places."""
    return user.is_authenticated and (is_national(user) or bool(Scope.for_user(user).roles & CATALOGUE_ROLES))


def can_request_mobilier(user, lieu) -> bool:
    """A structure asks for a grant for a place it manages (the national team may file it for them)."""
    return lieux_permissions.can_edit_lieu(user, lieu)


def can_view_demande_mobilier(user, demande) -> bool:
    """The place's managers, the national team, prefecture and hub agents of the place's département."""
    return lieux_permissions.can_view_lieu(user, demande.lieu)


def demandes_mobilier_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Filter a DemandeMobilier queryset down to what `user` may see (one query)."""
    if is_national(user):
        return queryset
    scope = Scope.for_user(user)
    condition = Q(lieu__structure_id__in=sorted(scope.object_ids(Role.STRUCTURE)), lieu__structure_id__gt="")
    if scope.roles & TERRITORIAL_ROLES:
        condition |= Q(lieu__commune__departement__code__in=scope.departements)
    return queryset.filter(condition)


def departements_of(user) -> frozenset[str] | None:
    """Département codes the user's territorial pages cover; None for the national team (everywhere)."""
    if is_national(user):
        return None
    return Scope.for_user(user).departements
