"""Who may manage permanences, ateliers and appointments. The public pages need no account (see views).

A conseiller (or coordinateur, who is an advisor too) manages only their own objects; the national team may look
at any of them but changes none. Anyone else is refused (403); another advisor's object is "not found" (404).
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from cnfs.core.enums import Role
from cnfs.core.permissions import has_role, is_national

ADVISOR_ROLES = (Role.CONSEILLER, Role.COORDINATEUR)


def is_advisor(user) -> bool:
    """Holders of the conseiller or coordinateur role run permanences, ateliers and appointments."""
    return user.is_authenticated and has_role(user, *ADVISOR_ROLES)


def can_manage(user, obj) -> bool:
    """Only the advisor who owns the permanence or atelier changes it (`obj.conseiller_id`)."""
    return is_advisor(user) and obj.conseiller_id == user.pk


def can_view(user, obj) -> bool:
    """Its advisor, and the national team (read only)."""
    return can_manage(user, obj) or (user.is_authenticated and is_national(user))


def advisor_required(view):
    """View decorator: 403 for anyone who is neither an advisor nor the national team."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (is_advisor(request.user) or is_national(request.user)):
            raise PermissionDenied("Cette page est réservée aux conseillers numériques.")
        return view(request, *args, **kwargs)

    return wrapper
