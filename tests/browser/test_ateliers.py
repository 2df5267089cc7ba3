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
