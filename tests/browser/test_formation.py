"""Training journey in a real headless Chromium, each page checked with axe: a training organisation records a
trainee's result, then the advisor sees it in their own training record."""

import datetime
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organisme_records_a_result_and_the_advisor_sees_it(browser_page, axe_check):
    from cnfs.core.enums import Role, ScopeType
    from cnfs.core.models import RoleAssignment
    from cnfs.core.tests.factories import PASSWORD, UserFactory
    from cnfs.formation.tests.factories import InscriptionFactory, OrganismeFormationFactory, recruited_advisor
    from tests.browser.fixtures import submit_login

    organisme = OrganismeFormationFactory(nom="Campus de la médiation numérique")
    agent = RoleAssignment.objects.create(
        user=UserFactory(),
        role=Role.FORMATION,
        scope_type=ScopeType.ORGANISATION,
        object_id=str(organisme.pk),
    ).user
    advisor = recruited_advisor(with_account=True, prenom="Inès", nom="Bernard")
    RoleAssignment.objects.create(user=advisor.user, role=Role.CONSEILLER, scope_type=ScopeType.PERSONNEL)
    start = datetime.date.today() - datetime.timedelta(days=30)
    InscriptionFactory(candidature=advisor, organisme=organisme, date_debut=start)

    submit_login(browser_page, agent.email, PASSWORD)
    browser_page.get_by_role("link", name="Sessions et stagiaires").click()
    expect(browser_page.get_by_role("heading", level=1, name="Campus de la médiation numérique")).to_be_visible()
    axe_check(browser_page)

    browser_page.get_by_role("link", name=re.compile("Saisir le résultat de Inès Bernard")).click()
    expect(browser_page.get_by_role("heading", level=1, name="Inès Bernard")).to_be_visible()
    axe_check(browser_page)
    browser_page.get_by_label("Heures réalisées").fill("80")
    browser_page.get_by_label("Résultat").select_option("en_cours")
    browser_page.get_by_role("button", name="Enregistrer le résultat").click()
    expect(browser_page.get_by_text("Heures réalisées (80 h) supérieures aux heures prévues (70 h).")).to_be_visible()
    axe_check(browser_page)
    browser_page.get_by_label("Heures réalisées").fill("70")
    browser_page.get_by_label("Date de fin").fill((start + datetime.timedelta(days=20)).isoformat())
    browser_page.get_by_label("Résultat").select_option("valide")
    browser_page.get_by_role("button", name="Enregistrer le résultat").click()
    expect(browser_page.get_by_text("Résultat enregistré.")).to_be_visible()
    axe_check(browser_page)
    browser_page.get_by_role("button", name="Se déconnecter").click()

    submit_login(browser_page, advisor.user.email, PASSWORD)
    browser_page.get_by_role("link", name="Ma formation").click()
    expect(browser_page.get_by_role("heading", level=1, name="Ma formation")).to_be_visible()
    row = browser_page.get_by_role("row", name=re.compile("Socle"))
    expect(row).to_contain_text("Validé")
    expect(row).to_contain_text("Campus de la médiation numérique")
    expect(row).to_contain_text(re.compile(r"70[,.]0 / 70[,.]0 h"))
    axe_check(browser_page)


def test_national_team_reads_the_funnel(browser_page, login_as, axe_check):
    from cnfs.core.enums import Role
    from cnfs.formation.tests.factories import InscriptionFactory, recruited_advisor
    from cnfs.recrutement.enums import EtapeConseiller

    for etape in (EtapeConseiller.RECRUTE, EtapeConseiller.EN_FORMATION, EtapeConseiller.EN_POSTE):
        InscriptionFactory(candidature=recruited_advisor(etape=etape))
    login_as(Role.ANCT)
    browser_page.get_by_role("link", name="Formation et entrée en poste").click()
    expect(browser_page.get_by_role("heading", level=1, name="Formation et entrée en poste")).to_be_visible()
    table = browser_page.get_by_role("table", name="Données de l’entonnoir")
    expect(table.get_by_role("row", name=re.compile("En poste"))).to_contain_text("1")
    expect(table.get_by_role("row", name=re.compile("Recrutés"))).to_contain_text("3")
    axe_check(browser_page)
