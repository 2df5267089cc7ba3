"""Writes of the core app: the audit log and role assignments."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from cnfs.core.models import AuditEvent, User


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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


@transaction.atomic
def role_assign(*, actor: User | None, user: User, role: str, scope_type: str, request=None, **target):
    """Give `user` the pair (role, scope). Idempotent: an identical assignment is returned as is."""
    assignment, created = user.role_assignments.get_or_create(role=role, scope_type=scope_type, **target)
    if created:
        audit_log(
            actor=actor,
            action="role.assign",
            target=user,
            after={"role": role, "scope_type": scope_type, **{k: str(v) for k, v in target.items()}},
            request=request,
        )
    user.__dict__.pop("_cnfs_scope", None)
    user.__dict__.pop("_role_set", None)
    return assignment
