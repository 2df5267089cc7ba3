"""E-mails of Aidants Connect's lifecycle: French text templates, sent once the transaction commits."""

from __future__ import annotations

import os
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def site_url() -> str:
    """Absolute base of the links in e-mails (commands run by cron have no request)."""
    return getattr(settings, "SITE_URL", os.environ.get("SITE_URL", "http://localhost:8000")).rstrip("/")


def queue_email(*, to: list[str], template: str, context: dict) -> None:
    """Render `aidants/emails/<template>.txt` (first line: subject) and send it after the commit."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    text = render_to_string(f"aidants/emails/{template}.txt", {"site_url": site_url(), **context}).strip()
    subject, _, body = text.partition("\n")
    transaction.on_commit(partial(send_mail, subject.strip(), body.strip() + "\n", None, recipients))
