"""Role × view matrix of ateliers, permanences and appointments, and the public booking pages through HTTP."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cnfs.activite.ateliers import tokens
from cnfs.activite.ateliers.enums import StatutReservation
from cnfs.activite.ateliers.tests.factories import (
    AtelierFactory,
    CreneauFactory,
    PermanenceFactory,
    RendezVousFactory,
    ReservationFactory,
    at,
    conseiller,
)
from cnfs.activite.models import Atelier, Creneau, Permanence, RendezVous, Reservation
from cnfs.core.enums import Role
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.lieux.tests.factories import LieuFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")
OTHER_ROLES = [Role.STRUCTURE, Role.PREFECTURE, Role.HUB, Role.CANDIDAT, Role.FORMATION, Role.AIDANT]


@pytest.fixture
def world():
    owner, lieu = conseiller()
    atelier = AtelierFactory(conseiller=owner, lieu=lieu)
    past = AtelierFactory(conseiller=owner, lieu=lieu, debut=at(-1))
    permanence = PermanenceFactory(conseiller=owner, lieu=lieu)
    past_rdv = RendezVousFactory(creneau=CreneauFactory(permanence=permanence, debut=at(-1, 10)))
    return {"owner": owner, "atelier": atelier, "past": past, "permanence": permanence, "rdv": past_rdv}


def _pages(w) -> dict[str, str]:
    """Advisor pages: name → URL. `own:` pages show one of the owner's objects."""
    return {
        "mes_ateliers": reverse("activite:mes_ateliers"),
        "atelier_create": reverse("activite:atelier_create"),
        "mes_permanences": reverse("activite:mes_permanences"),
        "permanence_create": reverse("activite:permanence_create"),
        "mes_rendezvous": reverse("activite:mes_rendezvous"),
        "own:atelier_gestion": reverse("activite:atelier_gestion", args=[w["atelier"].pk]),
        "own:atelier_presences": reverse("activite:atelier_presences", args=[w["past"].pk]),
        "own:permanence_creneaux": reverse("activite:permanence_creneaux", args=[w["permanence"].pk]),
        "own:rendezvous_cra": reverse("activite:rendezvous_cra", args=[w["rdv"].pk]),
    }


def _user(who: str, w):
    if who == "owner":
        return w["owner"]
    if who in ("conseiller_autre", "coordinateur"):
        return conseiller(role="conseiller" if who == "conseiller_autre" else "coordinateur")[0]
    return user_with_role(who)


def _expected(who: str, name: str) -> int:
    own = name.startswith("own:")
    if who == "anonymous":
        return 302
    if who == "owner":
        return 200
    if who in ("conseiller_autre", "coordinateur"):
        return 404 if own else 200
    if who == "anct":  # national team: reads everything, changes nothing
        return 404 if name in ("own:atelier_presences", "own:rendezvous_cra") else 200
    return 403


@pytest.mark.parametrize("who", ["anonymous", "owner", "conseiller_autre", "coordinateur", "anct", *OTHER_ROLES])
def test_advisor_pages_matrix(client, world, who):
    if who != "anonymous":
        login(client, _user(who, world))
    pages = _pages(world)
    statuses = {name: client.get(url).status_code for name, url in pages.items()}
    assert statuses == {name: _expected(who, name) for name in pages}
    if who == "anonymous":
        assert client.get(pages["mes_ateliers"])["Location"].startswith(LOGIN + "?next=")


@pytest.mark.parametrize("who", ["anonymous", "conseiller_autre", "anct", Role.STRUCTURE])
def test_writes_of_another_advisor_are_refused_and_change_nothing(client, world, who):
    if who != "anonymous":
        login(client, _user(who, world))
    atelier, permanence = world["atelier"], world["permanence"]
    responses = [
        client.post(reverse("activite:atelier_annuler", args=[atelier.pk])),
        client.post(reverse("activite:atelier_presences", args=[world["past"].pk]), {"sans_inscription": 1}),
        client.post(
            reverse("activite:permanence_creneaux", args=[permanence.pk]),
            {"jour": at(8).date().isoformat(), "de": "09:00", "a": "10:00", "duree_minutes": 30},
        ),
        client.post(reverse("activite:creneau_supprimer", args=[world["rdv"].creneau_id])),
        client.post(reverse("activite:atelier_capacite", args=[atelier.pk]), {"capacite": 50}),
        client.post(
            reverse("activite:atelier_details", args=[atelier.pk]),
            {"titre": "Détourné", "jour": at(20).date().isoformat(), "heure": "10:00"},
        ),
    ]
    expected = {"anonymous": 302, Role.STRUCTURE: 403}.get(who, 404)
    assert [r.status_code for r in responses] == [expected] * 6
    titre, debut = atelier.titre, atelier.debut
    atelier.refresh_from_db()
    assert atelier.annule_le is None and atelier.capacite == 3
    assert (atelier.titre, atelier.debut) == (titre, debut)
    assert Creneau.objects.filter(permanence=permanence).count() == 1
    assert not world["past"].reservations.filter(present__isnull=False).exists()


@pytest.mark.parametrize("who", ["anonymous", "conseiller", "anct", "structure"])
def test_public_pages_open_to_everyone(client, world, who):
    if who != "anonymous":
        login(client, user_with_role(who))
    creneau = CreneauFactory(permanence=world["permanence"])
    urls = [
        reverse("activite:ateliers_publics"),
        reverse("activite:ateliers_publics") + "?q=42000&theme=internet",
        reverse("activite:atelier_public", args=[world["atelier"].pk]),
        reverse("activite:permanence_publique", args=[world["permanence"].pk]),
        reverse("activite:creneau_public", args=[creneau.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)


def test_listing_shows_upcoming_ateliers_near_the_commune(client, django_assert_max_num_queries):
    near = AtelierFactory(titre="Atelier tout proche")
    AtelierFactory(titre="Atelier passé", debut=at(-3))
    AtelierFactory(titre="Atelier annulé", annule_le=timezone.now())
    for _ in range(5):
        AtelierFactory()
    remote = AtelierFactory(titre="Atelier en visio", lieu=None, lien_distance="https://visio.exemple.fr/x")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("activite:ateliers_publics"), {"q": near.lieu.commune.nom})
    html = response.content.decode()
    assert "Atelier tout proche" in html and remote.titre in html
    assert "Atelier passé" not in html and "Atelier annulé" not in html
    assert "à vol d’oiseau" in html
    response = client.get(reverse("activite:ateliers_publics"), {"q": "Commune qui n’existe pas"})
    assert "Aucune commune ne correspond" in response.content.decode()


def _book(client, atelier, **data):
    payload = {"nom": "Camille Martin", "email": "camille@exemple.fr", "telephone": "", "consentement": "on"}
    payload.update(data)
    return client.post(reverse("activite:atelier_public", args=[atelier.pk]), payload)


def test_public_booking_then_cancel_through_the_page(client, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = _book(client, atelier)
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Votre place est réservée" in html and "camille@exemple.fr" in html
    (message,) = mail.outbox
    assert re.search(r"http://testserver/ateliers/inscription/", message.body)
    token = tokens.make(tokens.RESERVATION, Reservation.objects.get().pk)
    ics = client.get(reverse("activite:reservation_ics", args=[token]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    response = client.post(reverse("activite:reservation", args=[token]))
    assert "Votre inscription est annulée" in response.content.decode()
    assert Reservation.objects.get().statut == StatutReservation.ANNULEE


@pytest.mark.parametrize(
    "data, message",
    [
        ({"consentement": ""}, "Vous devez accepter"),
        ({"email": "camille@"}, "Adresse électronique « camille@ » invalide"),
        ({"email": "", "telephone": "01 23"}, "Numéro de téléphone « 01 23 » invalide"),
        ({"email": "", "telephone": ""}, "une adresse électronique ou un numéro de téléphone"),
    ],
)
def test_booking_form_bad_input_shows_a_french_error_and_writes_nothing(client, data, message):
    atelier = AtelierFactory()
    response = _book(client, atelier, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Reservation.objects.exists()


def test_booking_a_past_or_full_atelier_through_the_form(client):
    past = AtelierFactory(debut=at(-1))
    response = _book(client, past)
    assert response.status_code == 400
    assert "Cet atelier a déjà eu lieu" in response.content.decode()
    full = AtelierFactory(capacite=1, liste_attente=False)
    ReservationFactory(atelier=full)
    response = _book(client, full)
    assert response.status_code == 400 and "Cet atelier est complet." in response.content.decode()
    assert Reservation.objects.count() == 1


def test_booking_form_is_throttled_per_address(client, settings):
    settings.ATELIERS_RESERVATIONS_MAX_PAR_IP = 3
    atelier = AtelierFactory(capacite=50)
    statuses = [_book(client, atelier, email=f"p{n}@exemple.fr").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Reservation.objects.count() == 3
    other_address = client.post(
        reverse("activite:atelier_public", args=[atelier.pk]),
        {"nom": "B", "email": "b@exemple.fr", "consentement": "on"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert other_address.status_code == 302


@pytest.mark.parametrize("kind", ["reservation", "rendezvous"])
def test_forged_or_expired_links_show_a_french_error_page(client, kind, settings):
    if kind == "reservation":
        obj = ReservationFactory()
        token = tokens.make(tokens.RESERVATION, obj.pk)
        url_name, model, field, value = "activite:reservation", Reservation, "statut", StatutReservation.CONFIRMEE
    else:
        obj = RendezVousFactory()
        token = tokens.make(tokens.RENDEZ_VOUS, obj.pk)
        url_name, model, field, value = "activite:rendezvous", RendezVous, "statut", "confirme"
    forged = client.post(reverse(url_name, args=[token[:-3] + "abc"]))
    assert forged.status_code == 400
    assert "Ce lien n’est pas valide" in forged.content.decode()
    assert "Aucune inscription n’a été modifiée" in forged.content.decode()
    settings.ATELIERS_JETON_DUREE_JOURS = 0
    expired = client.post(reverse(url_name, args=[token]))
    assert expired.status_code == 410
    assert "Ce lien a expiré" in expired.content.decode()
    assert getattr(model.objects.get(pk=obj.pk), field) == value


def test_advisor_creates_an_atelier_and_records_attendance(client, django_capture_on_commit_callbacks):
    user, lieu = conseiller()
    login(client, user)
    day = at(5).date().isoformat()
    response = client.post(
        reverse("activite:atelier_create"),
        {
            "titre": "Découvrir sa messagerie",
            "themes": ["courriel"],
            "niveau": "debutant",
            "jour": day,
            "heure": "14:00",
            "duree_minutes": 90,
            "lieu": lieu.pk,
            "capacite": 6,
            "liste_attente": "on",
        },
    )
    atelier = Atelier.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "activite:atelier_gestion", args=[atelier.pk]
    )
    assert atelier.themes == ["courriel"] and atelier.capacite == 6

    bad = client.post(
        reverse("activite:atelier_create"),
        {
            "titre": "X",
            "themes": ["courriel"],
            "niveau": "debutant",
            "jour": "2020-01-01",
            "heure": "10:00",
            "duree_minutes": 60,
            "lieu": lieu.pk,
            "capacite": 5,
        },
    )
    assert bad.status_code == 400 and "La date de début doit être dans le futur." in bad.content.decode()
    assert Atelier.objects.count() == 1

    Atelier.objects.filter(pk=atelier.pk).update(debut=timezone.now() - timedelta(hours=2))
    came = ReservationFactory(atelier=atelier)
    url = reverse("activite:atelier_presences", args=[atelier.pk])
    assert client.get(url).status_code == 200
    mismatch = client.post(url, {"presents": [came.pk], "sans_inscription": 1, "age_18_35": 1})
    assert mismatch.status_code == 400
    assert "La répartition par âge (1) doit égaler le nombre de présents (2)." in mismatch.content.decode()
    ok = client.post(url, {"presents": [came.pk], "sans_inscription": 1, "age_18_35": 2})
    assert ok.status_code == 302
    from cnfs.activite.models import Accompagnement

    record = Accompagnement.objects.get(atelier_id=atelier.pk)
    assert (record.participants, record.type) == (2, "collectif")


def test_advisor_publishes_slots_and_the_public_books_one(client, django_capture_on_commit_callbacks):
    permanence = PermanenceFactory(horaires="Mo-Su 09:00-12:00")
    login(client, permanence.conseiller)
    day = at(3).date().isoformat()
    url = reverse("activite:permanence_creneaux", args=[permanence.pk])
    response = client.post(url, {"jour": day, "de": "09:00", "a": "10:00", "duree_minutes": 30})
    assert response.status_code == 302
    assert Creneau.objects.filter(permanence=permanence).count() == 2
    outside = client.post(url, {"jour": day, "de": "11:30", "a": "12:30", "duree_minutes": 30})
    assert outside.status_code == 400 and "sort des horaires de la permanence" in outside.content.decode()
    client.logout()

    creneau = Creneau.objects.order_by("debut").first()
    booking_url = reverse("activite:creneau_public", args=[creneau.pk])
    data = {"nom": "Dominique", "telephone": "06 11 22 33 44", "motif": "Carte grise", "consentement": "on"}
    first = client.post(booking_url, data)
    assert first.status_code == 302
    assert "Votre rendez-vous est confirmé" in client.get(first["Location"]).content.decode()
    second = client.post(booking_url, {**data, "telephone": "06 99 88 77 66"})
    assert second.status_code == 400 and "Ce créneau vient d’être réservé" in second.content.decode()
    assert RendezVous.objects.filter(creneau=creneau).count() == 1
    assert Permanence.objects.filter(pk=permanence.pk).exists()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_not_query_per_row(client):
    user, lieu = conseiller()
    login(client, user)
    permanence = PermanenceFactory(conseiller=user, lieu=lieu)
    atelier = AtelierFactory(conseiller=user, lieu=lieu)
    urls = [
        reverse("activite:mes_ateliers"),
        reverse("activite:atelier_gestion", args=[atelier.pk]),
        reverse("activite:mes_permanences"),
        reverse("activite:permanence_creneaux", args=[permanence.pk]),
        reverse("activite:mes_rendezvous"),
        reverse("activite:ateliers_publics"),
        reverse("activite:permanence_publique", args=[permanence.pk]),
    ]

    def grow(start, n):
        for i in range(start, start + n):
            AtelierFactory(conseiller=user, lieu=LieuFactory())
            ReservationFactory(atelier=atelier)
            PermanenceFactory(conseiller=user, lieu=lieu)
            creneau = CreneauFactory(permanence=permanence, debut=at(3 + i, 10))
            RendezVousFactory(creneau=creneau)
            RendezVousFactory(creneau=CreneauFactory(permanence=permanence, debut=at(-3 - i, 10)))

    grow(0, 1)
    few = [_queries(client, url) for url in urls]
    grow(1, 10)
    many = [_queries(client, url) for url in urls]
    assert many == few


def test_owner_changes_seats_and_cancels_through_the_pages(client, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1)
    ReservationFactory(atelier=atelier)
    waiting = ReservationFactory(atelier=atelier, statut=StatutReservation.ATTENTE)
    login(client, atelier.conseiller)
    page = reverse("activite:atelier_gestion", args=[atelier.pk])
    assert "Changer le nombre de places" in client.get(page).content.decode()
    response = client.post(reverse("activite:atelier_capacite", args=[atelier.pk]), {"capacite": 2}, follow=True)
    assert "Le nombre de places est modifié" in response.content.decode()
    assert Reservation.objects.get(pk=waiting.pk).statut == StatutReservation.CONFIRMEE
    refused = client.post(reverse("activite:atelier_capacite", args=[atelier.pk]), {"capacite": 1}, follow=True)
    assert "2 personnes sont déjà inscrites" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activite:atelier_annuler", args=[atelier.pk]), follow=True)
    assert "L’atelier est annulé" in response.content.decode()
    assert len(mail.outbox) == 2
    public = client.get(reverse("activite:atelier_public", args=[atelier.pk]))
    assert "Atelier annulé" in public.content.decode()


def test_advisor_completes_the_record_of_a_past_appointment(client):
    from cnfs.activite.models import Accompagnement

    permanence = PermanenceFactory()
    rendezvous = RendezVousFactory(creneau=CreneauFactory(permanence=permanence, debut=at(-1, 10), duree_minutes=45))
    login(client, permanence.conseiller)
    listing = client.get(reverse("activite:mes_rendezvous")).content.decode()
    url = reverse("activite:rendezvous_cra", args=[rendezvous.pk])
    assert url in listing
    page = client.get(url)
    assert page.status_code == 200 and 'value="45"' in page.content.decode()
    bad = client.post(url, {"themes": ["internet"], "statut": "statut_non_renseigne", "duree_minutes": 45})
    assert bad.status_code == 400 and not Accompagnement.objects.exists()
    ok = client.post(
        url, {"themes": ["internet"], "age": "age_plus_60", "statut": "statut_retraite", "duree_minutes": 40}
    )
    assert ok.status_code == 302
    record = Accompagnement.objects.get()
    assert (record.type, record.participants, record.duree_minutes, record.age_plus_60) == ("individuel", 1, 40, 1)
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == reverse("activite:cra_modifier", args=[record.pk])
    assert "Compte rendu enregistré" in client.get(reverse("activite:mes_rendezvous")).content.decode()


def test_remote_link_is_shown_only_to_confirmed_people(client):
    atelier = AtelierFactory(lieu=None, lien_distance="https://visio.exemple.fr/salle-42", capacite=1)
    confirmed = ReservationFactory(atelier=atelier)
    waiting = ReservationFactory(atelier=atelier, statut=StatutReservation.ATTENTE)
    link = "https://visio.exemple.fr/salle-42"
    assert link not in client.get(reverse("activite:atelier_public", args=[atelier.pk])).content.decode()
    page = client.get(reverse("activite:reservation", args=[tokens.make(tokens.RESERVATION, confirmed.pk)]))
    assert link in page.content.decode()
    page = client.get(reverse("activite:reservation", args=[tokens.make(tokens.RESERVATION, waiting.pk)]))
    assert link not in page.content.decode()


def test_missing_name_is_said_in_french(client):
    response = _book(client, AtelierFactory(), nom="")
    assert response.status_code == 400 and "Indiquez votre nom." in response.content.decode()
    assert not Reservation.objects.exists()


def test_owner_changes_title_and_date_and_bookers_are_told(client, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1, debut=at(10, 14), titre="Premiers pas")
    confirmed = ReservationFactory(atelier=atelier, email="inscrite@exemple.fr")
    ReservationFactory(atelier=atelier, statut=StatutReservation.ATTENTE, email="attente@exemple.fr")
    ReservationFactory(atelier=atelier, statut=StatutReservation.ANNULEE, email="annulee@exemple.fr")
    Reservation.objects.filter(pk=confirmed.pk).update(rappel_envoye_le=timezone.now())
    login(client, atelier.conseiller)
    url = reverse("activite:atelier_details", args=[atelier.pk])
    assert "Modifier l’atelier" in client.get(reverse("activite:atelier_gestion", args=[atelier.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the title only: nobody is e-mailed
        response = client.post(url, {"titre": "Premiers pas sur tablette", "jour": at(10).date(), "heure": "14:00"})
    assert response.status_code == 302 and mail.outbox == []
    atelier.refresh_from_db()
    assert atelier.titre == "Premiers pas sur tablette"

    new_day = at(12, 9, 30).date()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"titre": atelier.titre, "jour": new_day.isoformat(), "heure": "09:30"}, follow=True
        )
    assert "les personnes inscrites sont prévenues par courriel" in response.content.decode()
    atelier.refresh_from_db()
    assert timezone.localtime(atelier.debut).date() == new_day
    assert sorted(m.to[0] for m in mail.outbox) == ["attente@exemple.fr", "inscrite@exemple.fr"]
    message = next(m for m in mail.outbox if m.to == ["inscrite@exemple.fr"])
    assert message.subject == "Atelier déplacé — Premiers pas sur tablette"
    assert "09:30" in message.body and "14:00" in message.body  # the new start, and the one it replaces
    assert message.attachments and "DTSTART" in message.attachments[0][1]
    assert Reservation.objects.get(pk=confirmed.pk).rappel_envoye_le is None  # reminded again for the new date

    refused = client.post(
        url, {"titre": atelier.titre, "jour": at(-1).date().isoformat(), "heure": "10:00"}, follow=True
    )
    assert "La date de début doit être dans le futur." in refused.content.decode()
    blank = client.post(url, {"titre": "  ", "jour": new_day.isoformat(), "heure": "09:30"}, follow=True)
    assert "Indiquez le titre, la date" in blank.content.decode()
    atelier.refresh_from_db()
    assert (atelier.titre, timezone.localtime(atelier.debut).date()) == ("Premiers pas sur tablette", new_day)
