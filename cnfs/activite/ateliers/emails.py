"""E-mails to people who booked: rendered now, sent by a task once the transaction commits."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from cnfs.activite.ateliers import calendrier, tokens
from cnfs.activite.ateliers.tasks import send_email


def site_url() -> str:
    """Absolute base of the links in e-mails sent outside a request (`SITE_URL`; cron and workers have none)."""
    return settings.SITE_URL


def reservation_url(reservation, *, base_url: str | None = None) -> str:
    token = tokens.make(tokens.RESERVATION, reservation.pk)
    return (base_url or site_url()).rstrip("/") + reverse("activite:reservation", args=[token])


def rendezvous_url(rendezvous, *, base_url: str | None = None) -> str:
    token = tokens.make(tokens.RENDEZ_VOUS, rendezvous.pk)
    return (base_url or site_url()).rstrip("/") + reverse("activite:rendezvous", args=[token])


def _queue(*, to: str, template: str, context: dict, ics: str = "", filename: str = "") -> None:
    """Render `activite/ateliers/emails/<template>.txt` (first line = subject) and send it after commit."""
    if not to:
        return
    text = render_to_string(f"activite/ateliers/emails/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    transaction.on_commit(
        partial(
            send_email.enqueue,
            to=[to],
            subject=subject.strip(),
            body=body.strip() + "\n",
            ics=ics,
            filename=filename or "evenement.ics",
        )
    )


def reservation_email(reservation, *, template: str, base_url: str | None = None, with_ics: bool = True) -> None:
    """Confirmation, waiting list, promotion, reminder or cancellation of an atelier booking."""
    atelier = reservation.atelier
    url = reservation_url(reservation, base_url=base_url)
    context = {"reservation": reservation, "atelier": atelier, "url": url}
    ics = calendrier.atelier_ics(atelier, cancel_url=url) if with_ics else ""
    _queue(to=reservation.email, template=template, context=context, ics=ics, filename=f"atelier-{atelier.pk}.ics")


def rendezvous_email(rendezvous, *, template: str, base_url: str | None = None, with_ics: bool = True) -> None:
    url = rendezvous_url(rendezvous, base_url=base_url)
    context = {"rendezvous": rendezvous, "creneau": rendezvous.creneau, "url": url}
    ics = calendrier.rendezvous_ics(rendezvous, cancel_url=url) if with_ics else ""
    _queue(to=rendezvous.email, template=template, context=context, ics=ics, filename="rendez-vous.ics")
