"""Public sign-up of host structures and candidates: account, confirmation link, duplicates, bad input, throttle."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.models import RoleAssignment, User
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory, user_with_role
from cnfs.recrutement.models import Candidature, Structure
from cnfs.recrutement.tests.conftest import nothing_written, pdf_upload
from cnfs.recrutement.tests.factories import CandidatureFactory, StructureFactory, make_siret, structure_manager
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

STRONG = "une phrase de passe solide 42"
STRUCTURE_URL = reverse("recrutement:inscription_structure")
CANDIDAT_URL = reverse("recrutement:inscription_candidat")


@pytest.fixture
def communes():
    return {
        "saint_etienne": CommuneFactory(),
        "saint_chamond": CommuneFactory(
            code="42207", nom="Saint-Chamond", search_name="saint chamond", codes_postaux=["42400"]
        ),
    }


def structure_data(**overrides):
    data = {
        "siret": make_siret(900),
        "type": "association",
        "nom": "Association L'Atelier d'Aïcha",
        "adresse": "3 rue de la Paix",
        "commune_recherche": "Saint-Étienne",
        "contact_prenom": "Aïcha",
        "contact_nom": "Benali",
        "contact_fonction": "Présidente",
        "contact_email": "aicha.benali@asso.example.fr",
        "contact_telephone": "0477000001",
        "qpv": "on",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def candidat_data(**overrides):
    data = {
        "prenom": "Inès",
        "nom": "Moreau",
        "email": "ines.moreau@exemple.fr",
        "date_naissance": "1992-06-01",
        "code_postal": "42000",
        "en_formation": "on",
        "date_disponibilite": "2030-01-01",
        "distance_max": "40",
        "motivation": "Accompagner les personnes âgées de mon quartier.",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/inscription/confirmer/[^\s]+/)", message.body).group(1)


SIGNUP_MODELS = (User, RoleAssignment, Structure, Candidature)


@pytest.mark.parametrize("url_name", ["inscription_structure", "inscription_candidat", "inscription_renvoyer"])
@pytest.mark.parametrize("who", ["anonymous", "structure", "candidat", "anct"])
def test_public_sign_up_pages(client, who, url_name):
    if who != "anonymous":
        login(client, user_with_role(who))
    response = client.get(reverse(f"recrutement:{url_name}"))
    # Candidates edit their application in their space; other accounts are told to apply with their own.
    expected = 302 if (url_name == "inscription_candidat" and who == "candidat") else 200
    assert response.status_code == expected
    if url_name == "inscription_candidat" and who in ("structure", "anct"):
        assert "Une candidature a son propre compte" in response.content.decode()
        with nothing_written(*SIGNUP_MODELS):
            client.post(CANDIDAT_URL, candidat_data())


def test_structure_signs_up_confirms_and_logs_in(client, communes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(STRUCTURE_URL, structure_data())
    assert response.status_code == 302 and response["Location"] == reverse("recrutement:inscription_envoyee")
    structure = Structure.objects.get()
    user = User.objects.get(email="aicha.benali@asso.example.fr")
    assert not user.is_active and structure.qpv and structure.commune == communes["saint_etienne"]
    assert structure.contact_email == user.email and structure.siret == make_siret(900)
    assert RoleAssignment.objects.filter(user=user, role=Role.STRUCTURE, object_id=str(structure.pk)).exists()
    assert "aicha.benali@asso.example.fr" in client.get(response["Location"]).content.decode()
    # An inactive account cannot log in yet.
    assert client.login(username=user.email, password=STRONG) is False
    (message,) = mail.outbox
    assert message.to == [user.email] and "Confirmez votre adresse" in message.subject
    assert "« Association L'Atelier d'Aïcha »" in message.body  # plain text: nothing HTML-escaped
    link = confirmation_link(message)
    page = client.get(link)
    assert page.status_code == 200 and "Confirmer et activer mon compte" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # a GET (a mail scanner) activates nothing
    assert client.post(link)["Location"] == reverse("core:login")
    user.refresh_from_db()
    assert user.is_active
    assert client.get(link).status_code == 400  # used once
    assert client.login(username=user.email, password=STRONG)
    assert client.get(structure.get_absolute_url()).status_code == 200


def test_confirmation_link_with_a_wrong_token_activates_nothing(client, communes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STRUCTURE_URL, structure_data())
    link = confirmation_link(mail.outbox[0])
    forged = link.rstrip("/").rsplit("/", 1)[0] + "/abc-123456/"
    response = client.post(forged)
    assert response.status_code == 400 and "n’est pas valide" in response.content.decode()
    assert not User.objects.get().is_active


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"siret": "123"}, "doit comporter 14 chiffres (vous en avez saisi 3)"),
        ({"siret": "21350238800018"}, "clé de contrôle incorrecte"),
        ({"siret": "2135023880001A"}, "ne doit contenir que des chiffres"),
        ({"type": "banque"}, "Sélectionnez un choix valide"),
        ({"commune_recherche": "zzzz"}, "Aucune commune ne correspond"),
        ({"password2": "autre chose encore 42"}, "Les deux mots de passe ne sont pas identiques."),
        ({"password1": "azerty", "password2": "azerty"}, "Ce mot de passe est trop court"),
        ({"contact_email": "pas-une-adresse"}, "Saisissez une adresse de courriel valide."),
    ],
)
def test_structure_bad_input_writes_nothing(client, communes, overrides, message):
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(STRUCTURE_URL, structure_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not mail.outbox


def test_ambiguous_commune_offers_a_choice(client, communes):
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(STRUCTURE_URL, structure_data(commune_recherche="saint"))
    html = response.content.decode()
    assert "Plusieurs communes correspondent" in html and "Saint-Chamond (42)" in html
    response = client.post(STRUCTURE_URL, structure_data(commune_recherche="saint", commune="42207"))
    assert response.status_code == 302
    assert Structure.objects.get().commune == communes["saint_chamond"]


def test_duplicate_siret_names_the_existing_structure(client, communes):
    existing = StructureFactory(siret=make_siret(900), nom="Mairie déjà inscrite")
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(STRUCTURE_URL, structure_data(siret=f"{make_siret(900)[:9]} {make_siret(900)[9:]}"))
    html = response.content.decode()
    assert "Une structure est déjà enregistrée avec ce numéro SIRET" in html
    assert f"n° {existing.pk}" in html and existing.get_absolute_url() not in html  # anonymous: no link
    manager = structure_manager(existing)
    login(client, manager)
    response = client.post(STRUCTURE_URL, structure_data(siret=make_siret(900)))
    assert existing.get_absolute_url() in response.content.decode()  # its manager may open it


def test_account_email_already_taken(client, communes):
    UserFactory(email="aicha.benali@asso.example.fr")
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(STRUCTURE_URL, structure_data())
    assert "Un compte existe déjà avec cette adresse électronique" in response.content.decode()


def test_logged_in_manager_registers_another_structure(client, communes):
    manager = structure_manager(StructureFactory())
    login(client, manager)
    data = structure_data(contact_email="autre.contact@example.fr")
    response = client.post(STRUCTURE_URL, data)
    structure = Structure.objects.get(siret=make_siret(900))
    assert response["Location"] == structure.get_absolute_url()
    assert RoleAssignment.objects.filter(user=manager, role=Role.STRUCTURE, object_id=str(structure.pk)).exists()
    assert User.objects.filter(email="autre.contact@example.fr").count() == 0  # no account for the contact
    assert client.get(reverse("recrutement:structure_espace")).status_code == 200  # two structures: a list


def test_sign_up_is_throttled_per_address(client, communes, settings):
    settings.RECRUTEMENT_SIGNUP_MAX_PER_IP = 2
    client.post(STRUCTURE_URL, structure_data(siret="1"))
    client.post(STRUCTURE_URL, structure_data(siret="2"))
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(STRUCTURE_URL, structure_data())
    assert response.status_code == 429
    assert "Trop d’inscriptions ont été tentées depuis votre connexion" in response.content.decode()
    assert client.post(CANDIDAT_URL, candidat_data()).status_code == 429


def test_candidate_signs_up_with_a_cv(client, communes, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CANDIDAT_URL, {**candidat_data(), "cv": pdf_upload()})
    assert response["Location"] == reverse("recrutement:inscription_envoyee")
    candidature = Candidature.objects.get()
    user = candidature.user
    assert not user.is_active and user.email == "ines.moreau@exemple.fr" and user.first_name == "Inès"
    assert candidature.cv and candidature.en_formation and candidature.distance_max == 40
    assert RoleAssignment.objects.filter(user=user, role=Role.CANDIDAT).exists()
    client.post(confirmation_link(mail.outbox[0]))
    assert client.login(username=user.email, password=STRONG)
    assert "Inès" in client.get(reverse("recrutement:candidature_profil")).content.decode()


def _private_files(settings) -> list:
    root = settings.PRIVATE_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"en_formation": ""}, "Indiquez au moins une situation"),
        ({"motivation": "x" * 2501}, "au plus 2500 caractères"),
        ({"distance_max": "30"}, "Sélectionnez un choix valide"),
        ({"cv": "not a pdf"}, "doit être un fichier PDF"),
        ({"cv": "too big"}, "ne doit pas dépasser 5 Mo"),
        ({"code_postal": "99999"}, "Aucune commune ne correspond à ce code postal."),
    ],
)
def test_candidate_bad_input_writes_nothing(client, communes, settings, overrides, message):
    data = candidat_data(**{k: v for k, v in overrides.items() if k != "cv"})
    if overrides.get("cv") == "not a pdf":
        data["cv"] = pdf_upload("cv.pdf", b"MZ\x90\x00 pas un PDF")
    elif overrides.get("cv") == "too big":
        data["cv"] = pdf_upload("cv.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024))
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(CANDIDAT_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("\u202f", " ").replace("&#x27;", "'")
    assert _private_files(settings) == []


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        ({"email": "ines.moreau@exemple.fr"}, "Une candidature existe déjà avec cette adresse électronique"),
        (
            {"prenom": "INES", "nom": "moreau", "date_naissance": datetime.date(1992, 6, 1), "code_postal": "42000"},
            "Une candidature existe déjà pour cette personne (mêmes nom, prénom, date de naissance et code postal)",
        ),
    ],
)
def test_duplicate_candidate_is_refused(client, communes, settings, existing, message):
    CandidatureFactory(**existing)
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(CANDIDAT_URL, {**candidat_data(), "cv": pdf_upload()})
    assert message in response.content.decode()
    assert _private_files(settings) == []  # the CV of a refused application is not kept


def test_resend_confirmation_says_the_same_whatever_the_address(client, communes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STRUCTURE_URL, structure_data())
    mail.outbox.clear()
    UserFactory(email="deja.actif@example.fr")
    url = reverse("recrutement:inscription_renvoyer")
    answers = []
    for email in ("aicha.benali@asso.example.fr", "deja.actif@example.fr", "inconnu@example.fr"):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(url, {"email": email})["Location"])
    assert answers == [reverse("recrutement:inscription_envoyee")] * 3
    assert [m.to for m in mail.outbox] == [["aicha.benali@asso.example.fr"]]
    client.post(confirmation_link(mail.outbox[0]))
    assert User.objects.get(email="aicha.benali@asso.example.fr").is_active


def test_an_account_waiting_for_its_second_factor_cannot_register_a_structure(client, communes):
    agent = user_with_role(Role.PREFECTURE)
    login(client, agent, verified=False)
    with nothing_written(*SIGNUP_MODELS):
        response = client.post(STRUCTURE_URL, structure_data())
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:otp_verify"))
    assert client.get(STRUCTURE_URL)["Location"].startswith(reverse("core:otp_verify"))
