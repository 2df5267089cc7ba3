"""Role × view matrix of the Aidants Connect pages (anonymous, wrong role, other organisation) and the form
journeys through HTTP: habilitation request, review, training, mandate creation, revocation, renewal."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.aidants.enums import ActionJournal, Demarche, StatutAidant, StatutDemandeHabilitation
from cnfs.aidants.models import Aidant, DemandeHabilitation, JournalEntry, Mandat, Organisation
from cnfs.aidants.tests.factories import (
    DemandeFactory,
    MandatFactory,
    OrganisationFactory,
    aidant_user,
    responsable_user,
    valid_siret,
)
from cnfs.core.enums import Role
from cnfs.core.tests.auth import login, totp_code
from cnfs.core.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "anct", "aidant", "aidant_autre", "responsable", "responsable_autre", "structure", "prefecture"]


@pytest.fixture
def world():
    org, other = OrganisationFactory(), OrganisationFactory()
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL, Demarche.ARGENT])
    other_mandat = MandatFactory(organisation=other)
    users = {
        "anct": user_with_role(Role.ANCT),
        "aidant": aidant_user(org),
        "aidant_autre": aidant_user(other),
        "responsable": responsable_user(org),
        "responsable_autre": responsable_user(other),
        "structure": user_with_role(Role.STRUCTURE),
        "prefecture": user_with_role(Role.PREFECTURE),
    }
    trainee = Aidant.objects.create(user=user_with_role(Role.CANDIDAT), organisation=org)
    return {
        "org": org,
        "other": other,
        "mandat": mandat,
        "other_mandat": other_mandat,
        "users": users,
        "demande": DemandeFactory(),
        "trainee": trainee,
        "autorisation": mandat.autorisations.first(),
    }


def _as(client, world, who):
    if who != "anonymous":
        login(client, world["users"][who])


def _get(client, url):
    response = client.get(url)
    return response.status_code


# url builder, expected status for each WHO (in order)
MATRIX = {
    "demande_create": (lambda w: reverse("aidants:demande_create"), [200, 200, 200, 200, 200, 200, 200, 200]),
    "anct_demandes": (lambda w: reverse("aidants:anct_demandes"), [302, 200, 403, 403, 403, 403, 403, 403]),
    "anct_demande": (
        lambda w: reverse("aidants:anct_demande", args=[w["demande"].pk]),
        [302, 200, 403, 403, 403, 403, 403, 403],
    ),
    "organisation": (
        lambda w: reverse("aidants:organisation", args=[w["org"].pk]),
        [302, 200, 404, 404, 200, 404, 404, 404],
    ),
    "formation": (
        lambda w: reverse("aidants:formation", args=[w["org"].pk, w["trainee"].pk]),
        [302, 200, 404, 404, 200, 404, 404, 404],
    ),
    "aidant_espace": (lambda w: reverse("aidants:aidant_espace"), [302, 403, 200, 200, 403, 403, 403, 403]),
    "mandat_create": (lambda w: reverse("aidants:mandat_create"), [302, 403, 200, 200, 403, 403, 403, 403]),
    "mandat": (lambda w: reverse("aidants:mandat", args=[w["mandat"].pk]), [302, 404, 200, 404, 200, 404, 404, 404]),
    "mandat_renew": (
        lambda w: reverse("aidants:mandat_renew", args=[w["mandat"].pk]),
        [302, 403, 200, 404, 403, 403, 403, 403],
    ),
    "attestation": (
        lambda w: reverse("aidants:attestation", args=[w["mandat"].pk]),
        [302, 404, 200, 404, 200, 404, 404, 404],
    ),
    # Anyone's own journal; the national team's shows its own review acts.
    "aidant_journal": (lambda w: reverse("aidants:aidant_journal"), [302, 200, 200, 200, 403, 403, 403, 403]),
}


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_role_matrix(client, world, page, who):
    url_for, expected = MATRIX[page]
    _as(client, world, who)
    assert _get(client, url_for(world)) == expected[WHO.index(who)]


def test_responsable_space_redirects_to_the_organisation(client, world):
    login(client, world["users"]["responsable"])
    response = client.get(reverse("aidants:responsable_espace"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "aidants:organisation", args=[world["org"].pk]
    )
    login(client, world["users"]["aidant"])
    assert client.get(reverse("aidants:responsable_espace")).status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "aidant_autre", "responsable_autre", "structure"])
def test_revocations_refused_across_organisations(client, world, who):
    _as(client, world, who)
    mandat, autorisation = world["mandat"], world["autorisation"]
    r1 = client.post(reverse("aidants:mandat_revoke", args=[mandat.pk]))
    r2 = client.post(reverse("aidants:autorisation_revoke", args=[autorisation.pk]))
    assert (r1.status_code, r2.status_code) == ((302, 302) if who == "anonymous" else (404, 404))
    mandat.refresh_from_db()
    autorisation.refresh_from_db()
    assert mandat.revoked_at is None and autorisation.revoked_at is None


def test_habiliter_is_national_only(client, world):
    trainee = world["trainee"]
    trainee.statut, trainee.test_reussi, trainee.formation_date = (
        StatutAidant.TEST_REUSSI,
        True,
        datetime.date(2026, 1, 5),
    )
    trainee.save()
    login(client, world["users"]["responsable"])
    assert client.post(reverse("aidants:anct_habiliter", args=[trainee.pk])).status_code == 403
    login(client, world["users"]["anct"])
    client.post(reverse("aidants:anct_habiliter", args=[trainee.pk]))
    trainee.refresh_from_db()
    assert trainee.statut == StatutAidant.HABILITE
    assert trainee.user.role_assignments.filter(role=Role.AIDANT, object_id=str(trainee.organisation_id)).exists()


def test_espace_lists_the_organisation_usagers_only(client, world, django_assert_max_num_queries):
    for _ in range(5):
        MandatFactory(organisation=world["org"])
    login(client, world["users"]["aidant"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("aidants:aidant_espace")).content.decode()
    assert str(world["mandat"].usager) in html
    assert str(world["other_mandat"].usager) not in html


# --- Habilitation request and review -------------------------------------------------------------------------------

REQUEST = {
    "nom": "CCAS de Firminy",
    "siret": "",
    "type": "ccas",
    "departement": "42",
    "adresse": "Place du Breuil, 42700 Firminy",
    "demarches": ["social", "logement"],
    "demandeur_prenom": "Inès",
    "demandeur_nom": "Durand",
    "demandeur_email": "ines@exemple.fr",
    "demandeur_fonction": "Directrice",
    "responsable_prenom": "Marc",
    "responsable_nom": "Petit",
    "responsable_email": "marc@exemple.fr",
    "responsable_telephone": "04 77 00 00 00",
    "aidants_prevus": "Léa ; Martin ; lea@exemple.fr\nPaul ; Roux ; paul@exemple.fr",
    "cgu_acceptees": "on",
    "protection_donnees": "on",
}


def test_public_request_then_acceptance(client, world, django_capture_on_commit_callbacks):
    siret = valid_siret(777)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("aidants:demande_create"), {**REQUEST, "siret": siret[:3] + " " + siret[3:]})
    assert response.status_code == 302 and response["Location"] == reverse("aidants:demande_envoyee")
    demande = DemandeHabilitation.objects.get(siret=siret)
    assert demande.aidants_prevus[1] == {"prenom": "Paul", "nom": "Roux", "email": "paul@exemple.fr"}
    # The requester follows the link of the confirmation e-mail first (ac-life).
    link = next(line for line in mail.outbox[0].body.splitlines() if "/confirmer/" in line)
    assert client.get(link.strip()).status_code == 200
    login(client, world["users"]["anct"])
    with_callbacks = client.post(reverse("aidants:anct_demande", args=[demande.pk]), {"decision": "accepter"})
    assert with_callbacks.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeHabilitation.ACCEPTEE
    org = Organisation.objects.get(siret=siret)
    assert org.demarches_autorisees == ["social", "logement"]
    assert org.aidants.count() == 2
    from cnfs.core.models import User

    responsable = User.objects.get(email="marc@exemple.fr")
    assert responsable.role_assignments.filter(role=Role.RESPONSABLE, object_id=str(org.pk)).exists()
    assert JournalEntry.objects.filter(action=ActionJournal.DEMANDE_ACCEPTEE, organisation_id=org.pk).exists()


def test_acceptance_sends_the_e_mail_after_commit(world, django_capture_on_commit_callbacks):
    from cnfs.aidants import services

    with django_capture_on_commit_callbacks(execute=True):
        services.demande_accept(actor=world["users"]["anct"], demande=world["demande"])
    assert len(mail.outbox) == 1 and "habilitée" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"siret": "12345678901234"}, "SIREN"),
        ({"siret": "1234"}, "14 chiffres"),
        ({"cgu_acceptees": ""}, "Ce champ est obligatoire"),
        ({"demarches": ["papiers", "impots"]}, "Sélectionnez un choix valide"),
        ({"aidants_prevus": "Léa Martin lea@exemple.fr"}, "Ligne 1 : écrivez"),
        ({"aidants_prevus": "Léa ; Martin ; pas-une-adresse"}, "n’est pas valide"),
        ({"departement": "420"}, "code de département"),
    ],
)
def test_bad_request_input_is_refused_in_french(client, change, message):
    response = client.post(reverse("aidants:demande_create"), {**REQUEST, "siret": valid_siret(778), **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DemandeHabilitation.objects.exists()


def test_duplicate_request_for_a_siret_is_refused(client, world):
    siret = world["org"].siret
    response = client.post(reverse("aidants:demande_create"), {**REQUEST, "siret": siret})
    assert "Une organisation habilitée porte déjà ce numéro SIRET." in response.content.decode()
    assert not DemandeHabilitation.objects.filter(siret=siret).exists()


def test_refusal_needs_a_comment(client, world):
    login(client, world["users"]["anct"])
    demande = world["demande"]
    response = client.post(
        reverse("aidants:anct_demande", args=[demande.pk]), {"decision": "refuser", "commentaire": "non"}
    )
    assert "Expliquez votre décision" in response.content.decode()
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeHabilitation.SOUMISE
    client.post(
        reverse("aidants:anct_demande", args=[demande.pk]),
        {"decision": "modifier", "commentaire": "Précisez la liste des aidants, merci."},
    )
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeHabilitation.MODIFICATIONS_DEMANDEES


def test_responsable_records_training(client, world):
    login(client, world["users"]["responsable"])
    trainee = world["trainee"]
    url = reverse("aidants:formation", args=[world["org"].pk, trainee.pk])
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    assert (
        "ne peut pas être dans le futur"
        in client.post(url, {"formation_date": future, "test_reussi": "1"}).content.decode()
    )
    client.post(url, {"formation_date": "2026-01-10", "test_reussi": "1"})
    trainee.refresh_from_db()
    assert trainee.statut == StatutAidant.TEST_REUSSI


# --- Mandates through the pages ------------------------------------------------------------------------------------


def _mandat_post(device, **change):
    return {
        "given_name": "Jeanne",
        "family_name": "Martin",
        "birthdate": "1948-05-02",
        "demarches": ["social", "logement"],
        "duree": "mois",
        "consentement": "on",
        "totp": totp_code(device),
        **change,
    }


def test_aidant_creates_a_mandate_then_sees_the_usager(client, world):
    user = world["users"]["aidant"]
    device = login(client, user)
    response = client.post(reverse("aidants:mandat_create"), _mandat_post(device))
    mandat = Mandat.objects.get(usager__family_name="Martin")
    assert response.status_code == 302 and response["Location"] == reverse("aidants:mandat", args=[mandat.pk])
    html = client.get(reverse("aidants:aidant_espace")).content.decode()
    assert "Jeanne Martin" in html
    attestation = client.get(reverse("aidants:attestation", args=[mandat.pk])).content.decode()
    entry = JournalEntry.objects.get(action=ActionJournal.MANDAT_CREE, mandat_id=mandat.pk)
    assert entry.entry_hash in attestation and "Social — Santé" in attestation and "Logement" in attestation
    assert "Vous autorisez l’organisation" in attestation
    journal = client.get(reverse("aidants:aidant_journal")).content.decode()
    assert "Mandat créé" in journal and "Martin" not in journal
    import io

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(client.get(reverse("aidants:attestation_pdf", args=[mandat.pk])).content))
    assert entry.entry_hash in pdf.pages[0].extract_text().replace("\n", "")
    assert len(pdf.pages[0].images) == 1  # the QR code of the fingerprint


def test_forged_demarche_is_refused_and_journaled(client, world):
    user = world["users"]["aidant"]
    device = login(client, user)
    response = client.post(reverse("aidants:mandat_create"), _mandat_post(device, demarches=["social", "justice"]))
    assert response.status_code == 200
    assert "n’est pas habilitée pour : « Justice »" in response.content.decode()
    assert not Mandat.objects.filter(usager__family_name="Martin").exists()
    refusal = JournalEntry.objects.get(action=ActionJournal.TENTATIVE_REFUSEE)
    assert refusal.actor_id == user.pk and refusal.demarche == "justice"


def test_wrong_totp_on_the_form(client, world):
    device = login(client, world["users"]["aidant"])
    good = totp_code(device)
    response = client.post(
        reverse("aidants:mandat_create"), _mandat_post(device, totp="000000" if good != "000000" else "111111")
    )
    assert "Code incorrect ou déjà utilisé" in response.content.decode()
    assert not Mandat.objects.filter(usager__family_name="Martin").exists()


def test_revoke_and_renew_through_the_pages(client, world):
    user = world["users"]["aidant"]
    device = login(client, user)
    mandat, autorisation = world["mandat"], world["autorisation"]
    client.post(reverse("aidants:autorisation_revoke", args=[autorisation.pk]))
    autorisation.refresh_from_db()
    assert autorisation.revoked_at is not None
    response = client.post(
        reverse("aidants:mandat_renew", args=[mandat.pk]), {"duree": "douze_mois", "totp": totp_code(device)}
    )
    renewed = Mandat.objects.get(remplace=mandat)
    assert response["Location"] == reverse("aidants:mandat", args=[renewed.pk])
    remaining = {"social", "argent"} - {autorisation.demarche}
    assert set(renewed.autorisations.values_list("demarche", flat=True)) == remaining
    response = client.post(reverse("aidants:mandat_revoke", args=[renewed.pk]), follow=True)
    assert "Mandat révoqué" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_attestation_pdf_is_reproducible_and_journaled(client, world):
    import hashlib
    import io

    from pypdf import PdfReader

    login(client, world["users"]["aidant"])
    mandat = world["mandat"]
    url = reverse("aidants:attestation_pdf", args=[mandat.pk])
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF-") and first.content == second.content
    text = PdfReader(io.BytesIO(first.content)).pages[0].extract_text()
    assert "Attestation de mandat Aidants Connect" in text and str(mandat.usager) in text
    downloads = JournalEntry.objects.filter(action=ActionJournal.ATTESTATION_CONSULTEE, mandat_id=mandat.pk)
    assert downloads.count() == 2
    assert downloads.first().data["pdf_sha256"] == hashlib.sha256(first.content).hexdigest()
    login(client, world["users"]["aidant_autre"])
    assert client.get(url).status_code == 404
    assert downloads.count() == 2


def test_corrected_request_replaces_the_one_sent_back_for_changes(client, world):
    from cnfs.aidants import services

    demande = world["demande"]
    services.demande_ask_changes(
        actor=world["users"]["anct"], demande=demande, commentaire="Ajoutez la démarche « Argent », merci."
    )
    response = client.post(
        reverse("aidants:demande_create"), {**REQUEST, "siret": demande.siret, "demarches": ["social", "argent"]}
    )
    assert response.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeHabilitation.REMPLACEE
    corrected = DemandeHabilitation.objects.get(siret=demande.siret, statut=StatutDemandeHabilitation.SOUMISE)
    assert corrected.demarches == ["social", "argent"]
    # Once its requester confirmed it (ac-life), the corrected request holds the SIRET.
    DemandeHabilitation.objects.filter(pk=corrected.pk).update(email_confirme_le=corrected.created_at)
    again = client.post(reverse("aidants:demande_create"), {**REQUEST, "siret": demande.siret})
    assert "Une demande est déjà en cours d’instruction pour ce numéro SIRET." in again.content.decode()
    assert DemandeHabilitation.objects.filter(siret=demande.siret).count() == 2
