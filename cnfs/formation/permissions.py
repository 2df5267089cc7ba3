"""Who may see or do what in the training app. Views, services and the import ask here.

Training organisations are reached through `RoleAssignment(role="formation", scope_type="organisation",
object_id=str(pk))`. Every predicate reads the user's `Scope` once per request, never per row.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national

TERRITORIAL_ROLES = frozenset({Role.PREFECTURE, Role.HUB})


def organisme_ids(user) -> set[int]:
    """Primary keys of the training organisations `user` works for through a `formation` role."""
    return {int(oid) for oid in Scope.for_user(user).object_ids(Role.FORMATION) if oid.isdigit()}


def can_manage_organisme(user, organisme) -> bool:
    """An organisation's own staff manage its sessions, trainees and results; the national team too."""
    if not user.is_authenticated:
        return False
    return is_national(user) or organisme.pk in organisme_ids(user)


def can_view_pilotage(user) -> bool:
    """The national overview of training (funnel by territory, organisations) belongs to the national team."""
    return user.is_authenticated and is_national(user)


def can_view_funnel(user) -> bool:
    """The funnel by territory: the national team everywhere, prefecture and hub agents on their départements."""
    if not user.is_authenticated:
        return False
    return is_national(user) or bool(Scope.for_user(user).roles & TERRITORIAL_ROLES)


def funnel_departements(user) -> tuple[str, ...] | None:
    """None for the national team (any territory); otherwise the départements a territorial agent covers."""
    if is_national(user):
        return None
    return tuple(sorted(Scope.for_user(user).departements))


def can_decide_vae(user) -> bool:
    """Admissibility and jury outcomes of VAE requests are recorded by the national team."""
    return user.is_authenticated and is_national(user)


def can_view_training_record(user, candidature, *, trainee_of: set[int] | None = None) -> bool:
    """The advisor themself and the national team; an organisation that trains them.

    `trainee_of` (organisations where the advisor is enrolled) may be given to avoid a query.
    """
    if not user.is_authenticated:
        return False
    if is_national(user) or (candidature.user_id is not None and candidature.user_id == user.pk):
        return True
    mine = organisme_ids(user)
    if not mine:
        return False
    if trainee_of is None:
        trainee_of = set(candidature.inscriptions.values_list("organisme_id", flat=True))
    return bool(mine & trainee_of)


def can_request_vae(user, candidature) -> bool:
    """An advisor files their own VAE request; the national team may file one for them."""
    if not user.is_authenticated:
        return False
    return is_national(user) or (candidature.user_id is not None and candidature.user_id == user.pk)


def organismes_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Filter an OrganismeFormation queryset down to what `user` may see (one query)."""
    if is_national(user):
        return queryset
    return queryset.filter(pk__in=organisme_ids(user))
