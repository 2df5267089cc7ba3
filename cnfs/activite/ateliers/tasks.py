"""Background jobs of ateliers and appointments (django-tasks, run by `cnfs worker`)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str, ics: str = "", filename: str = "evenement.ics") -> int:
    """Send one French e-mail, with an iCalendar attachment when `ics` is given. JSON arguments only."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
    if ics:
        message.attach(filename, ics, "text/calendar; charset=utf-8; method=PUBLISH")
    return message.send()


@task()
def rappels_envoyer() -> int:
    """The 24-hour reminders (same job as `cnfs ateliers rappels`), for a worker that schedules it."""
    from cnfs.activite.ateliers.services import rappels_send

    return rappels_send()
