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
    """Another person's browser (own cookies), failing the test on a JavaScript error like `browser_page`."""
    contexts, problems = [], []

    def open_page():
        context = chromium.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"erreur JavaScript : {error}"))
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
