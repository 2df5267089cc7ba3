"""Background jobs of the core app (django-tasks: database backend, run by `cnfs worker`)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    EmailMessage(subject=subject, body=body, from_email=from_email, to=to).send()


def email_send_later(*, subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    """Send a plain-text e-mail once the current transaction commits.

    With `EMAIL_ASYNC` (the default when DEBUG is off) the message goes through the task queue: a slow mail server
    never slows a page down, and response times do not tell whether an address has an account.
    In development it is sent at commit time, so that the console shows it without a worker.
    """
    kwargs = {"subject": subject, "body": body, "to": list(to), "from_email": from_email}
    if settings.EMAIL_ASYNC:
        transaction.on_commit(lambda: send_email.enqueue(**kwargs))
    else:
        transaction.on_commit(lambda: send_email.call(**kwargs))
