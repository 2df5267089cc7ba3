"""E-mails of the recruitment chain. Rendered now, queued as a task once the transaction commits."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import User
from cnfs.recrutement.tasks import send_email


def queue_email(*, recipients: list[str], template: str, context: dict) -> None:
    """Render `recrutement/emails/<template>.txt` (first line = subject) and send it after commit."""
    text = render_to_string(f"recrutement/emails/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    transaction.on_commit(
        partial(send_email.enqueue, recipients=list(recipients), subject=subject.strip(), body=body.strip() + "\n")
    )


def prefecture_emails(departement) -> list[str]:
    """Addresses of the prefecture agents covering a département (directly or through its région)."""
    users = User.objects.filter(is_active=True, role_assignments__role=Role.PREFECTURE).filter(
        Q(role_assignments__scope_type=ScopeType.DEPARTEMENT, role_assignments__departement=departement)
        | Q(role_assignments__scope_type=ScopeType.REGION, role_assignments__region_id=departement.region_id)
    )
    return sorted(set(users.values_list("email", flat=True)))


def structure_emails(structure) -> list[str]:
    """The structure's contact plus the accounts that manage it."""
    managers = User.objects.filter(
        is_active=True, role_assignments__role=Role.STRUCTURE, role_assignments__object_id=str(structure.pk)
    ).values_list("email", flat=True)
    return sorted({structure.contact_email, *managers})
