"""`.ics` (iCalendar) files for the confirmation e-mails: the event lands in the person's own calendar."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//cnfs//Ateliers et rendez-vous//FR"
UID_DOMAIN = "cnfs.inclusion-numerique"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    return calendar


def _event(*, uid: str, summary: str, start: datetime, end: datetime, location: str, description: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    return event


def lieu_text(lieu) -> str:
    return f"{lieu.nom}, {lieu.adresse}, {lieu.code_postal} {lieu.commune.nom}"


def atelier_ics(atelier, *, cancel_url: str) -> str:
    location = lieu_text(atelier.lieu) if atelier.lieu_id else f"À distance : {atelier.lien_distance}"
    calendar = _calendar()
    calendar.add_component(
        _event(
            uid=f"atelier-{atelier.pk}",
            summary=f"Atelier numérique : {atelier.titre}",
            start=atelier.debut,
            end=atelier.fin,
            location=location,
            description=f"{atelier.description}\n\nPour annuler votre inscription : {cancel_url}".strip(),
        )
    )
    return calendar.to_ical().decode()


def rendezvous_ics(rendezvous, *, cancel_url: str) -> str:
    creneau = rendezvous.creneau
    lieu = creneau.permanence.lieu
    calendar = _calendar()
    calendar.add_component(
        _event(
            uid=f"rendezvous-{rendezvous.pk}",
            summary="Rendez-vous avec un conseiller numérique",
            start=creneau.debut,
            end=creneau.fin,
            location=lieu_text(lieu),
            description=f"Pour annuler ce rendez-vous : {cancel_url}",
        )
    )
    return calendar.to_ical().decode()
