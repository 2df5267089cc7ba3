"""Who may see or change which activity records. The scope is read once per request, never per row.

An advisor (`conseiller`) sees and changes their own records; a coordinator (`coordinateur`, scoped on a structure)
also sees, read-only, the records of the advisors recruited by that structure. Everyone else is refused: the
programme's figures are read through the pilotage dashboards, not through advisors' lists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national

ADVISOR_ROLES = frozenset({Role.CONSEILLER, Role.COORDINATEUR})


def is_advisor(user) -> bool:
    """Holds the role `conseiller` or `coordinateur` (an advisor who coordinates others)."""
    return user.is_authenticated and bool(Scope.for_user(user).roles & ADVISOR_ROLES)


def coordinated_structure_ids(user) -> set[int]:
    """Structures on which `user` holds the role `coordinateur`."""
    return {int(oid) for oid in Scope.for_user(user).object_ids(Role.COORDINATEUR) if oid.isdigit()}


def visible_conseiller_ids(user) -> set[int]:
    """Advisors whose records `user` may read: themself, plus the advisors of the structures they coordinate."""
    from cnfs.activite.selectors import conseillers_of_structures

    if not is_advisor(user):
        return set()
    cached = getattr(user, "_cnfs_activite_visible", None)
    if cached is not None:
        return cached
    ids = {user.pk}
    structures = coordinated_structure_ids(user)
    if structures:
        ids |= conseillers_of_structures(structures)
    user._cnfs_activite_visible = ids
    return ids


def can_view_accompagnement(user, accompagnement) -> bool:
    """The record's advisor, and the coordinators of that advisor's structure."""
    return accompagnement.conseiller_id in visible_conseiller_ids(user)


def can_edit_accompagnement(user, accompagnement) -> bool:
    """Only the record's own advisor edits or deletes it (a coordinator reads)."""
    return user.is_authenticated and accompagnement.conseiller_id == user.pk and is_advisor(user)


def can_record_for(actor, conseiller) -> bool:
    """An advisor records their own activity; operators (no account: console, import) and the national team may
    record for any advisor."""
    if actor is None:
        return True
    if is_national(actor):
        return True
    return actor.pk == conseiller.pk and is_advisor(actor)


def require_advisor(request) -> None:
    if not is_advisor(request.user):
        raise PermissionDenied("Page réservée aux conseillers numériques et à leurs coordinateurs.")
