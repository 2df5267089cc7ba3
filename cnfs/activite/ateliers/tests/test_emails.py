"""Confirmation e-mails: French text, a working cancel link, and an .ics attachment parsed back by icalendar."""

import re

import pytest
from django.core import mail
from icalendar import Calendar

from cnfs.activite.ateliers import services
from cnfs.activite.ateliers.enums import StatutReservation
from cnfs.activite.ateliers.tests.factories import AtelierFactory
from cnfs.activite.models import Reservation

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/ateliers/inscription/[^/\s]+/)")


def book(atelier, name, email, capture):
    with capture(execute=True):
        return services.reservation_create(
            atelier_id=atelier.pk, nom=name, email=email, consentement=True, base_url="http://testserver/"
        )


def test_confirmation_carries_the_event_and_a_cancel_link(client, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(titre="Protéger ses données personnelles", capacite=5)
    book(atelier, "Camille Martin", "camille@exemple.fr", django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == ["camille@exemple.fr"]
    assert message.subject == "Inscription confirmée — Protéger ses données personnelles"
    assert "Bonjour Camille Martin," in message.body
    assert atelier.lieu.nom in message.body

    ((filename, content, mimetype),) = message.attachments
    assert filename == f"atelier-{atelier.pk}.ics"
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == atelier.debut
    assert event.decoded("dtend") == atelier.fin
    assert str(event.get("summary")) == "Atelier numérique : Protéger ses données personnelles"
    assert atelier.lieu.commune.nom in str(event.get("location"))
    assert str(event.get("uid")).startswith(f"atelier-{atelier.pk}@")

    # The link in the e-mail cancels the booking.
    path = LINK.search(message.body).group(1)
    assert path in str(event.get("description"))
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 200
    assert "Votre inscription est annulée" in response.content.decode()
    assert Reservation.objects.get().statut == StatutReservation.ANNULEE


def test_waiting_list_mail_has_no_calendar_then_promotion_mail_has_one(client, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1)
    book(atelier, "Première", "premiere@exemple.fr", django_capture_on_commit_callbacks)
    book(atelier, "Seconde", "seconde@exemple.fr", django_capture_on_commit_callbacks)
    waiting_mail = mail.outbox[1]
    assert waiting_mail.subject.startswith("Liste d’attente")
    assert waiting_mail.attachments == []

    cancel_path = LINK.search(mail.outbox[0].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_path)
    promotion = mail.outbox[2]
    assert promotion.to == ["seconde@exemple.fr"]
    assert promotion.subject.startswith("Une place s’est libérée")
    event = Calendar.from_ical(promotion.attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == atelier.debut


def test_remote_link_goes_to_confirmed_people_only(django_capture_on_commit_callbacks):
    atelier = AtelierFactory(lieu=None, lien_distance="https://visio.exemple.fr/salle-7", capacite=1)
    book(atelier, "Première", "premiere@exemple.fr", django_capture_on_commit_callbacks)
    book(atelier, "Seconde", "seconde@exemple.fr", django_capture_on_commit_callbacks)
    confirmed, waiting = mail.outbox
    assert "À distance : https://visio.exemple.fr/salle-7" in confirmed.body
    assert "salle-7" not in waiting.body and "vous sera envoyé avec la confirmation" in waiting.body
