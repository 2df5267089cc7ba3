"""Journey "Ateliers près de chez vous": a person without an account books a seat, gets the e-mail, and cancels
through the link it carries, which gives the seat to the first person on the waiting list."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def atelier():
    from cnfs.activite.ateliers.tests.factories import AtelierFactory

    return AtelierFactory(titre="Prendre rendez-vous chez le médecin en ligne", capacite=1, themes=["sante"])


def test_public_person_books_an_atelier_and_cancels_through_the_link(browser_page, axe_check, atelier):
    from django.core import mail

    from cnfs.activite.ateliers.enums import StatutReservation
    from cnfs.activite.models import Reservation

    page = browser_page
    page.goto("/ateliers/")
    expect(page.get_by_role("heading", level=1, name="Ateliers près de chez vous")).to_be_visible()
    axe_check(page)

    page.get_by_label("Commune ou code postal").fill(atelier.lieu.commune.nom)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", level=2, name=f"Ateliers autour de {atelier.lieu.commune.nom}")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=atelier.titre).click()
    expect(page.get_by_role("heading", level=1, name=atelier.titre)).to_be_visible()
    expect(page.get_by_text("1 place disponible sur 1.")).to_be_visible()
    axe_check(page)

    # Without consent the booking is refused, with the reason next to the checkbox.
    page.get_by_label("Nom et prénom").fill("Camille Martin")
    page.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    page.get_by_role("button", name="Réserver ma place").click()
    expect(page.get_by_text("Vous devez accepter que vos coordonnées soient utilisées")).to_be_visible()
    assert not Reservation.objects.exists()
    axe_check(page)

    page.get_by_text("J’accepte que mes coordonnées soient utilisées").click()
    page.get_by_role("button", name="Réserver ma place").click()
    expect(page.get_by_role("heading", name="Votre place est réservée")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter à mon agenda (fichier .ics)")).to_be_visible()
    axe_check(page)

    # Someone else gets on the waiting list.
    page.goto(f"/ateliers/{atelier.pk}/")
    page.get_by_label("Nom et prénom").fill("Dominique Petit")
    page.get_by_label("Adresse électronique").fill("dominique@exemple.fr")
    page.get_by_text("J’accepte que mes coordonnées soient utilisées").click()
    page.get_by_role("button", name="M’inscrire sur la liste d’attente").click()
    expect(page.get_by_role("heading", name="Vous êtes sur la liste d’attente")).to_be_visible()

    confirmation = next(m for m in mail.outbox if m.to == ["camille@exemple.fr"])
    link = re.search(r"https?://\S+/ateliers/inscription/\S+/", confirmation.body).group(0)
    page.goto(link)
    expect(
        page.get_by_role("heading", level=1, name=f"Mon inscription à l’atelier « {atelier.titre} »")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée. Merci d’avoir libéré votre place.")).to_be_visible()
    axe_check(page)

    statuses = dict(Reservation.objects.values_list("email", "statut"))
    assert statuses == {"camille@exemple.fr": StatutReservation.ANNULEE, "dominique@exemple.fr": "confirmee"}
    assert any(
        m.to == ["dominique@exemple.fr"] and m.subject.startswith("Une place s’est libérée") for m in mail.outbox
    )

    # A tampered link changes nothing and says so in French.
    page.goto(link[:-4] + "abc/")
    expect(page.get_by_role("heading", level=1, name="Ce lien ne peut pas être utilisé")).to_be_visible()
    axe_check(page)


def test_advisor_schedules_an_atelier_then_takes_attendance(browser_page, axe_check, login_as):
    from datetime import timedelta

    from django.utils import timezone

    from cnfs.activite.ateliers.tests.factories import ReservationFactory
    from cnfs.activite.models import Accompagnement, Atelier, LieuActivite
    from cnfs.lieux.tests.factories import LieuFactory

    page = browser_page
    user = login_as("conseiller")
    lieu = LieuFactory(nom="Médiathèque Jean Moulin")
    LieuActivite.objects.create(conseiller=user, lieu=lieu, principal=True)

    page.goto("/mon-espace/")
    page.get_by_role("link", name="Mes ateliers").click()
    expect(page.get_by_role("heading", level=1, name="Mes ateliers")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Programmer un atelier").click()
    page.get_by_label("Titre").fill("Découvrir sa messagerie")
    page.get_by_text("Gérer ses courriels").click()
    page.get_by_label("Date").fill((timezone.localdate() + timedelta(days=6)).isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_role("combobox", name=re.compile("^Lieu")).select_option(label=f"{lieu.nom} ({lieu.commune.nom})")
    page.get_by_label("Nombre de places").fill("6")
    axe_check(page)
    page.get_by_role("button", name="Publier l’atelier").click()
    expect(page.get_by_role("heading", level=1, name="Découvrir sa messagerie")).to_be_visible()
    expect(page.get_by_text("L’atelier est publié")).to_be_visible()
    axe_check(page)

    atelier = Atelier.objects.get()
    Atelier.objects.filter(pk=atelier.pk).update(debut=timezone.now() - timedelta(hours=3))
    ReservationFactory(atelier=atelier, nom="Camille Martin")
    page.reload()
    page.get_by_role("link", name="Saisir les présences").click()
    expect(
        page.get_by_role("heading", level=1, name="Présences à l’atelier « Découvrir sa messagerie »")
    ).to_be_visible()
    axe_check(page)
    page.get_by_text("Camille Martin").click()
    page.get_by_label("Personnes venues sans inscription").fill("1")
    page.get_by_label("Plus de 60 ans").fill("1")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("La répartition par âge (1) doit égaler le nombre de présents (2).")).to_be_visible()
    axe_check(page)
    page.get_by_label("35 à 60 ans").fill("1")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées")).to_be_visible()
    record = Accompagnement.objects.get(atelier_id=atelier.pk)
    assert (record.type, record.participants, record.lieu_id) == ("collectif", 2, lieu.pk)


def test_public_person_books_an_appointment_slot(browser_page, axe_check):
    from cnfs.activite.ateliers.tests.factories import CreneauFactory, PermanenceFactory, next_weekday
    from cnfs.activite.models import RendezVous

    permanence = PermanenceFactory(horaires="Tu 09:00-12:00")
    creneau = CreneauFactory(permanence=permanence, debut=next_weekday(1, hour=10))
    page = browser_page
    page.goto("/ateliers/")
    page.get_by_role("link", name=re.compile(permanence.lieu.nom)).click()
    expect(
        page.get_by_role("heading", level=1, name="Prendre rendez-vous avec un conseiller numérique")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=re.compile("à 10h00")).click()
    page.get_by_label("Nom et prénom").fill("Dominique Petit")
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("Motif du rendez-vous").fill("Créer mon espace France Travail")
    page.get_by_text("J’accepte que mes coordonnées soient utilisées").click()
    axe_check(page)
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.get_by_role("heading", name="Votre rendez-vous est confirmé")).to_be_visible()
    axe_check(page)
    rendezvous = RendezVous.objects.get(creneau=creneau)
    assert (rendezvous.telephone, rendezvous.email) == ("+33612345678", "")
