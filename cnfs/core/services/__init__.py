"""Writes of the core app: the audit log and role assignments.

Account security (login, passwords, second factor) lives in `services.auth` and `services.otp`.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models, transaction

from cnfs.core.models import AuditEvent, RoleAssignment, User

_ASSIGNMENT_TARGETS = ("region", "departement", "hub", "object_id")


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind `TRUSTED_PROXY_COUNT` reverse proxies, read it from X-Forwarded-For.

    Only the entries appended by our own proxies are trusted: a client can put anything at the left of the header.
    """
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            found = _valid_ip(forwarded[-proxies])
            if found:
                return found
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def audit_log(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Record one event in the audit log. Call inside the service's transaction so both land or neither."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        before=before,
        after=after,
        ip_address=client_ip(request),
    )


def _assignment_state(assignment: RoleAssignment) -> dict[str, str]:
    state = {"role": assignment.role, "scope_type": assignment.scope_type}
    for name in _ASSIGNMENT_TARGETS:
        value = getattr(assignment, name)
        if value:
            state[name] = str(value)
    return state


def _forget_roles(user: User) -> None:
    user.__dict__.pop("_cnfs_scope", None)
    user.__dict__.pop("_role_set", None)


@transaction.atomic
def role_assign(*, actor: User | None, user: User, role: str, scope_type: str, request=None, **target):
    """Give `user` the pair (role, scope). Idempotent: an identical assignment is returned as is."""
    assignment, created = user.role_assignments.get_or_create(role=role, scope_type=scope_type, **target)
    if created:
        audit_log(actor=actor, action="role.assign", target=user, after=_assignment_state(assignment), request=request)
    _forget_roles(user)
    return assignment


@transaction.atomic
def role_assignment_save(*, actor: User | None, assignment: RoleAssignment, request=None) -> RoleAssignment:
    """Save a new or edited assignment (back-office form), recording the change in the audit log."""
    previous = RoleAssignment.objects.filter(pk=assignment.pk).first() if assignment.pk else None
    assignment.full_clean()
    assignment.save()
    before = _assignment_state(previous) if previous else None
    after = _assignment_state(assignment)
    if before != after:
        audit_log(
            actor=actor,
            action="role.change" if previous else "role.assign",
            target=assignment.user,
            before=before,
            after=after,
            request=request,
        )
    _forget_roles(assignment.user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment, request=None) -> None:
    """Take a (role, scope) pair away from its holder."""
    user = assignment.user
    audit_log(actor=actor, action="role.revoke", target=user, before=_assignment_state(assignment), request=request)
    assignment.delete()
    _forget_roles(user)
