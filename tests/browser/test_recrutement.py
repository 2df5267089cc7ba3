"""The recruitment chain in a real headless Chromium, each page checked with axe: a structure signs up and files
a request, the prefecture gives its opinion, the national team decides in committee, the structure pre-selects and
recruits a candidate, the national team validates the recruitment."""

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from playwright.sync_api import expect

from cnfs.core.enums import Role, ScopeType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "une phrase de passe solide 42"


def _days(n: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def second_page(chromium, live_server):
    """Another person's browser (own cookies), failing the test on a JavaScript error or a CSP violation."""
    contexts, problems = [], []

    def open_page():
        context = chromium.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"erreur JavaScript : {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"CSP : {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, problems


def _log_in_with_totp(page, role: str, **assignment):
    from cnfs.core.models import RoleAssignment
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.core.tests.factories import PASSWORD as USER_PASSWORD
    from cnfs.core.tests.factories import UserFactory
    from tests.browser.fixtures import complete_second_factor, submit_login

    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, **assignment)
    device = totp_device_create_confirmed(user=user)
    submit_login(page, user.email, USER_PASSWORD)
    complete_second_factor(page, device)
    expect(page).to_have_url(re.compile("/mon-espace/$"))
    return user


def test_recruitment_chain(browser_page, second_page, axe_check):
    from cnfs.recrutement.models import Candidature, MiseEnRelation, Structure
    from cnfs.recrutement.tests.factories import CandidatureFactory, make_siret
    from cnfs.territoires.tests.factories import CommuneFactory

    saint_etienne = CommuneFactory()
    candidature = CandidatureFactory(
        prenom="Lina", nom="Garnier", commune=saint_etienne, date_disponibilite=datetime.date.today()
    )

    # 1. A structure signs up, confirms its address and logs in.
    page = browser_page
    page.goto("/inscription/structure/")
    expect(page.get_by_role("heading", level=1, name="Inscrire une structure d’accueil")).to_be_visible()
    axe_check(page)
    page.fill("#id_siret", make_siret(4242))
    page.select_option("#id_type", "commune")
    page.fill("#id_nom", "Mairie de Saint-Étienne")
    page.fill("#id_adresse", "Place de l’Hôtel de Ville")
    page.fill("#id_commune_recherche", "saint etienne")
    page.fill("#id_contact_prenom", "Nadia")
    page.fill("#id_contact_nom", "Rivière")
    page.fill("#id_contact_email", "nadia.riviere@mairie.example.fr")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Inscrire la structure").click()
    expect(page.get_by_role("heading", level=1, name="Confirmez votre adresse électronique")).to_be_visible()
    axe_check(page)
    link = re.search(r"https?://\S+/inscription/confirmer/\S+/", mail.outbox[-1].body).group(0)
    page.goto(urlparse(link).path)
    axe_check(page)
    page.get_by_role("button", name="Confirmer et activer mon compte").click()
    expect(page.get_by_text("Votre adresse électronique est confirmée")).to_be_visible()
    page.get_by_label("Adresse électronique").fill("nadia.riviere@mairie.example.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.goto("/recrutement/structure/")
    expect(page.get_by_role("heading", level=1, name="Mairie de Saint-Étienne")).to_be_visible()
    axe_check(page)

    # 2. It files a request for two posts.
    page.get_by_role("link", name="Nouvelle demande de postes").click()
    axe_check(page)
    page.fill("#id_nombre_postes", "2")
    page.fill("#id_date_debut_souhaitee", _days(30))
    page.fill("#id_motivation", "Deux quartiers de la ville n’ont aucun lieu de médiation numérique.")
    page.locator("label[for='id_engagement']").click()
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_text("Votre demande de postes est déposée")).to_be_visible()
    axe_check(page)

    # 3. The prefecture of the Loire sees it on its map, with its coverage gain, and gives an opinion.
    prefecture = second_page()
    _log_in_with_totp(
        prefecture, Role.PREFECTURE, scope_type=ScopeType.DEPARTEMENT, departement=saint_etienne.departement
    )
    prefecture.goto("/recrutement/prefecture/demandes/")
    expect(prefecture.get_by_role("img", name=re.compile("Carte des demandes"))).to_be_visible()
    expect(prefecture.get_by_role("columnheader", name="Gain de couverture (estimation)")).to_be_visible()
    axe_check(prefecture)
    prefecture.get_by_role("link", name="Donner un avis").click()
    axe_check(prefecture)
    prefecture.locator("label[for='id_avis_0']").click()
    prefecture.fill("#id_commentaire", "Quartiers prioritaires sans aucune offre : avis favorable.")
    prefecture.get_by_role("button", name="Enregistrer l’avis").click()
    expect(prefecture.get_by_text("Votre avis est enregistré.")).to_be_visible()

    # 4. The national team opens a committee session and grants the two posts.
    anct = second_page()
    _log_in_with_totp(anct, Role.ANCT, scope_type=ScopeType.NATIONAL)
    anct.goto("/recrutement/comite/")
    axe_check(anct)
    anct.fill("#id_date", _days(1))
    anct.get_by_role("button", name="Ouvrir la session").click()
    expect(anct.get_by_role("heading", level=1, name=re.compile("session n° 1"))).to_be_visible()
    axe_check(anct)
    anct.get_by_role("link", name="Décider").click()
    expect(anct.get_by_text("Avis favorable")).to_be_visible()
    axe_check(anct)
    anct.locator("label[for='id_decision_0']").click()
    anct.fill("#id_postes_accordes", "2")
    anct.get_by_role("button", name="Enregistrer la décision").click()
    expect(anct.get_by_text("Décision enregistrée")).to_be_visible()
    assert Structure.objects.get().postes_accordes == 2

    # 5. The structure pre-selects a nearby candidate and recruits her.
    page.goto("/recrutement/structure/")
    page.get_by_role("link", name="Candidats à proximité").click()
    expect(page.get_by_role("cell", name=re.compile("Lina G."))).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Pré-sélectionner").click()
    expect(page.get_by_text("est pré-sélectionné·e")).to_be_visible()
    page.goto("/recrutement/structure/")
    page.get_by_role("link", name="Recruter", exact=True).click()
    axe_check(page)
    page.fill("#id_date_recrutement", _days(10))
    page.select_option("#id_type_contrat", "cdi")
    page.get_by_role("button", name="Enregistrer le recrutement").click()
    expect(page.get_by_text("Recrutement enregistré")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Lina Garnier")).get_by_text("Recruté·e")).to_be_visible()
    axe_check(page)

    # 6. The national team validates the recruitment.
    anct.goto("/recrutement/comite/validations/")
    axe_check(anct)
    anct.get_by_role("button", name="Valider le recrutement de Lina Garnier").click()
    expect(anct.get_by_text("Recrutement de Lina Garnier validé.")).to_be_visible()
    assert MiseEnRelation.objects.get(candidature=candidature).statut == "finalisee"
    assert Candidature.objects.get(pk=candidature.pk).etape == "recrute"


def test_candidate_signs_up_then_reads_a_structure_message(browser_page, second_page, axe_check, tmp_path, settings):
    from cnfs.core.tests.factories import PASSWORD as USER_PASSWORD
    from cnfs.recrutement.models import Candidature
    from cnfs.recrutement.tests.conftest import pdf_bytes
    from cnfs.recrutement.tests.factories import StructureFactory, structure_manager
    from cnfs.territoires.tests.factories import CommuneFactory
    from tests.browser.fixtures import submit_login

    settings.PRIVATE_ROOT = tmp_path / "private"
    saint_etienne = CommuneFactory()
    structure = StructureFactory(nom="Médiathèque de Saint-Étienne", commune=saint_etienne, postes_accordes=1)
    cv = tmp_path / "mon-cv.pdf"
    cv.write_bytes(pdf_bytes())

    page = browser_page
    page.goto("/")
    page.get_by_role("link", name="Devenir conseiller numérique").first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Devenir conseiller"))).to_be_visible()
    axe_check(page)
    page.fill("#id_prenom", "Yanis")
    page.fill("#id_nom", "Fontaine")
    page.fill("#id_email", "yanis.fontaine@exemple.fr")
    page.fill("#id_date_naissance", "1995-03-14")
    page.fill("#id_code_postal", "42000")
    page.locator("label[for='id_demandeur_emploi']").click()
    page.fill("#id_date_disponibilite", _days(0))
    page.select_option("#id_distance_max", "20")
    page.fill("#id_motivation", "J’anime déjà des ateliers numériques bénévoles.")
    page.set_input_files("#id_cv", str(cv))
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", "une autre phrase de passe 42")
    page.get_by_role("button", name="Déposer ma candidature").click()
    expect(page.get_by_text("Les deux mots de passe ne sont pas identiques.")).to_be_visible()
    axe_check(page)  # the page with its errors
    assert not Candidature.objects.exists()
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.set_input_files("#id_cv", str(cv))
    page.get_by_role("button", name="Déposer ma candidature").click()
    expect(page.get_by_role("heading", level=1, name="Confirmez votre adresse électronique")).to_be_visible()
    link = re.search(r"https?://\S+/inscription/confirmer/\S+/", mail.outbox[-1].body).group(0)
    page.goto(urlparse(link).path)
    page.get_by_role("button", name="Confirmer et activer mon compte").click()
    submit_login(page, "yanis.fontaine@exemple.fr", PASSWORD)
    page.goto("/recrutement/candidature/")
    expect(page.get_by_text("Candidat·e").first).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Structures qui recrutent près de chez moi").click()
    expect(page.get_by_role("cell", name=re.compile("Médiathèque de Saint-Étienne"))).to_be_visible()
    axe_check(page)

    # The structure pre-selects Yanis and writes to him; he reads it in his space.
    manager = structure_manager(structure)
    structure_page = second_page()
    submit_login(structure_page, manager.email, USER_PASSWORD)
    structure_page.goto(f"/recrutement/structures/{structure.pk}/candidats/")
    structure_page.get_by_role("button", name="Pré-sélectionner").click()
    structure_page.goto(structure.get_absolute_url())
    structure_page.get_by_role("link", name="Contrat et messages").click()
    axe_check(structure_page)
    structure_page.fill("#id_corps", "Bonjour Yanis, pouvez-vous venir en entretien jeudi à 14 h ?")
    structure_page.get_by_role("button", name="Envoyer le message").click()
    expect(structure_page.get_by_text("Message envoyé")).to_be_visible()

    page.goto("/recrutement/candidature/")
    expect(page.get_by_role("link", name=re.compile(r"Mes messages \(2 nouveaux\)"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Mes messages")).click()
    expect(page.get_by_text("pouvez-vous venir en entretien jeudi à 14 h")).to_be_visible()
    axe_check(page)


def test_structure_follow_up_and_hub_view(browser_page, second_page, axe_check):
    from cnfs.core.tests.factories import PASSWORD as USER_PASSWORD
    from cnfs.recrutement.models import Contrat
    from cnfs.recrutement.tests.factories import (
        ContratFactory,
        MiseEnRelationFactory,
        StructureFactory,
        structure_manager,
    )
    from cnfs.territoires.tests.factories import CommuneFactory, HubFactory
    from tests.browser.fixtures import submit_login

    structure = StructureFactory(nom="Centre social des Quartiers", commune=CommuneFactory(), postes_accordes=2)
    mer = MiseEnRelationFactory(
        structure=structure,
        statut="finalisee",
        date_recrutement=datetime.date.today(),
        candidature__prenom="Sacha",
        candidature__nom="Lemoine",
        candidature__etape="en_poste",
    )
    ContratFactory(
        mise_en_relation=mer,
        date_debut=datetime.date.today(),
        date_fin=datetime.date.today() + datetime.timedelta(days=365),
    )

    page = browser_page
    submit_login(page, structure_manager(structure).email, USER_PASSWORD)
    page.goto(structure.get_absolute_url())
    page.get_by_role("link", name="Nouvelle demande de postes").click()
    page.fill("#id_nombre_postes", "1")
    page.fill("#id_date_debut_souhaitee", _days(40))
    page.fill("#id_motivation", "Un troisième quartier à couvrir.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Votre brouillon est enregistré")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Demander un avenant").click()
    axe_check(page)
    page.locator("label[for='id_type_1']").click()
    page.fill("#id_nombre_postes", "1")
    page.select_option("#id_motif", "difficultes_recrutement")
    page.get_by_role("button", name="Envoyer la demande d’avenant").click()
    expect(page.get_by_text("Votre demande d’avenant est enregistrée")).to_be_visible()
    page.get_by_role("link", name="Sacha Lemoine").click()
    expect(page.get_by_text("En poste")).to_be_visible()
    axe_check(page)
    page.select_option("#id_type_contrat", "cdd")
    page.fill("#id_date_fin", _days(800))
    page.get_by_role("button", name="Demander le renouvellement").click()
    expect(page.get_by_text("Demande de renouvellement enregistrée")).to_be_visible()

    hub = HubFactory(nom="Hub Loire", slug="hub-loire")
    hub.departements.add(structure.commune.departement)
    hub_page = second_page()
    _log_in_with_totp(hub_page, Role.HUB, scope_type=ScopeType.HUB, hub=hub)
    hub_page.get_by_role("link", name="Recrutement dans vos départements").click()
    expect(hub_page.get_by_role("cell", name="Sacha Lemoine")).to_be_visible()
    expect(hub_page.get_by_role("link", name="Centre social des Quartiers").first).to_be_visible()
    expect(hub_page.get_by_role("main").get_by_role("button")).to_have_count(0)  # read-only: no action
    axe_check(hub_page)
    assert Contrat.objects.filter(mise_en_relation=mer, statut="initie").exists()
