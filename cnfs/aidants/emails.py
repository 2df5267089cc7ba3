"""E-mails of Aidants Connect's lifecycle: French text templates, sent once the transaction commits."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def site_url() -> str:
    """Absolute base of the links in e-mails sent outside a request (`SITE_URL`; cron and workers have none)."""
    return settings.SITE_URL


def queue_email(*, to: list[str], template: str, context: dict) -> None:
    """Render `aidants/emails/<template>.txt` (first line: subject) and send it after the commit."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    text = render_to_string(f"aidants/emails/{template}.txt", {"site_url": site_url(), **context}).strip()
    subject, _, body = text.partition("\n")
    transaction.on_commit(partial(send_mail, subject.strip(), body.strip() + "\n", None, recipients))
