"""Who may see or do what in Aidants Connect. Scope is read once per request (`Scope.for_user`).

An aidant acts only in their *current* organisation: the one of their `Aidant` row, which must also be the
organisation of their `aidant` role. A responsable manages the organisations of their `responsable` roles.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from cnfs.aidants.enums import StatutAidant
from cnfs.aidants.models import Aidant, Mandat, Organisation
from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national


def _org_ids(user, role: str) -> set[int]:
    return {int(oid) for oid in Scope.for_user(user).object_ids(role) if oid.isdigit()}


def responsable_organisation_ids(user) -> set[int]:
    """Organisations whose responsable the user is."""
    return _org_ids(user, Role.RESPONSABLE) if user.is_authenticated else set()


def current_aidant(user) -> Aidant | None:
    """The user's habilitated `Aidant` row, when its organisation is active and matches their `aidant` role."""
    if not user.is_authenticated:
        return None
    if "_cnfs_aidant" in user.__dict__:
        return user.__dict__["_cnfs_aidant"]
    aidant = (
        Aidant.objects.select_related("organisation")
        .filter(user=user, statut=StatutAidant.HABILITE, organisation__active=True)
        .first()
    )
    if aidant is not None and aidant.organisation_id not in _org_ids(user, Role.AIDANT):
        aidant = None
    user.__dict__["_cnfs_aidant"] = aidant
    return aidant


def is_aidant_of(user, organisation_id: int) -> bool:
    """A habilitated aidant whose current organisation is `organisation_id`."""
    aidant = current_aidant(user)
    return aidant is not None and aidant.organisation_id == organisation_id


def can_review_habilitations(user) -> bool:
    """Habilitation requests and aidant validation are the national team's."""
    return user.is_authenticated and is_national(user)


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """The organisation's responsable, and the national team."""
    return is_national(user) or organisation.pk in responsable_organisation_ids(user)


def can_manage_aidant(user, aidant: Aidant) -> bool:
    """An aidant's training is recorded by their organisation's responsable or the national team."""
    return is_national(user) or aidant.organisation_id in responsable_organisation_ids(user)


def can_view_mandat(user, mandat: Mandat) -> bool:
    """A mandate binds an organisation: its current aidants and its responsable see it; nobody else."""
    return is_aidant_of(user, mandat.organisation_id) or mandat.organisation_id in responsable_organisation_ids(user)


def can_act_on_mandat(user, mandat: Mandat) -> bool:
    """Renewal and revocation: by a current aidant of the mandate's organisation, or its responsable."""
    return can_view_mandat(user, mandat)


def aidant_required(view):
    """View decorator: only a habilitated aidant in their current organisation (403 otherwise)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if current_aidant(request.user) is None:
            raise PermissionDenied("Cette page est réservée aux aidants habilités d’une organisation.")
        return view(request, *args, **kwargs)

    return wrapper
