"""Background tasks of the recruitment chain (django-tasks). Queued by services after their commit."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, recipients: list[str], subject: str, body: str) -> int:
    """Send one plain-text French e-mail. Arguments are JSON values so that the database backend can queue it."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
