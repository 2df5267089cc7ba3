"""Pass numérique money journeys in a real headless Chromium, each page checked with axe: the national team
prepares a payment batch and marks it paid, reads the State co-funding claim and the dashboard; the place reads
its statement."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cnfs.core.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def releve():
    """An issued order of the Loire co-funded at 50 %, a qualified place that redeemed 3 vouchers, its statement."""
    from cnfs.lieux.tests.factories import LieuFactory
    from cnfs.passnum import services
    from cnfs.passnum.tests import factories as f
    from cnfs.territoires.tests.factories import CommuneFactory

    commune = CommuneFactory()  # creates the Loire (42), the order's territory
    buyer = f.CommanditaireFactory()
    acheteur = f.member(Role.COMMANDITAIRE, buyer.pk)
    commande = f.commande(acheteur, buyer, taux_etat=50, enveloppe=f.EnveloppeFactory())
    place = f.LieuQualifieFactory(lieu=LieuFactory(commune=commune))
    staff = f.member(Role.LIEU_PASS, place.lieu_id)
    for code in commande.cheques.order_by("id").values_list("code", flat=True)[:3]:
        services.cheque_encaisser(code=code, lieu=place.lieu, user=staff)
    today = timezone.localdate()
    services.releves_generer(mois=today, today=(today.replace(day=28) + datetime.timedelta(days=5)))
    return {"commande": commande, "staff": staff}


def test_national_team_pays_a_batch_and_the_place_reads_its_statement(browser_page, login_as, axe_check, releve):
    from cnfs.core.tests.factories import PASSWORD
    from tests.browser.fixtures import submit_login

    page = browser_page
    login_as(Role.ANCT)
    page.goto("/pass-numerique/national/lots/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lots de paiement des lieux")
    axe_check(page)
    page.get_by_role("button", name="Préparer un lot avec les relevés à payer").click()
    expect(page.get_by_text("préparé : 1 relevé(s)")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Marquer transmis à la banque").click()
    expect(page.get_by_text("Lot transmis à la banque.")).to_be_visible()
    page.get_by_role("button", name="Marquer payé").click()
    expect(page.get_by_text("Lot marqué payé.")).to_be_visible()
    axe_check(page)
    page.goto("/pass-numerique/national/cofinancement/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cofinancement de l’État")
    expect(page.get_by_role("row", name=releve["commande"].reference)).to_contain_text("15,00")
    axe_check(page)
    page.goto("/pass-numerique/commanditaire/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du pass numérique")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()

    submit_login(page, releve["staff"].email, PASSWORD)
    page.goto("/pass-numerique/lieu/releves/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relevés mensuels")
    expect(page.get_by_role("cell", name="Payé", exact=True)).to_be_visible()
    axe_check(page)
