"""`cnfs ateliers rappels` and `cnfs ateliers purge-reservations`, as cron runs them."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from cnfs.activite.ateliers.tests.factories import AtelierFactory, ReservationFactory, at
from cnfs.activite.models import Reservation

pytestmark = pytest.mark.django_db(transaction=True)  # the e-mails leave after a real commit


def run(*args) -> str:
    out = StringIO()
    call_command("ateliers", *args, stdout=out)
    return out.getvalue()


def test_rappels_command_sends_each_reminder_once():
    ReservationFactory(atelier=AtelierFactory(debut=timezone.now() + timedelta(hours=12)), email="a@exemple.fr")
    assert run("rappels") == "1 rappel(s) envoyé(s).\n"
    assert run("rappels") == "0 rappel(s) envoyé(s).\n"
    assert [m.to for m in mail.outbox] == [["a@exemple.fr"]]
    assert "http://localhost:8000/ateliers/inscription/" in mail.outbox[0].body


def test_purge_command(settings):
    settings.ATELIERS_PURGE_JOURS = 10
    old = ReservationFactory(atelier=AtelierFactory(debut=at(-12)))
    kept = ReservationFactory(atelier=AtelierFactory(debut=at(-5)))
    assert "1 inscription(s)" in run("purge-reservations")
    assert Reservation.objects.get(pk=old.pk).email == ""
    assert Reservation.objects.get(pk=kept.pk).email
    with pytest.raises(CommandError, match="positif"):
        run("purge-reservations", "--jours", "-1")


def test_rappels_task_does_the_same_job():
    from cnfs.activite.ateliers.tasks import rappels_envoyer

    ReservationFactory(atelier=AtelierFactory(debut=timezone.now() + timedelta(hours=2)), email="b@exemple.fr")
    assert rappels_envoyer.call() == 1
    assert rappels_envoyer.call() == 0
    assert [m.to for m in mail.outbox] == [["b@exemple.fr"]]
