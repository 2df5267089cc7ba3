"""Advisor journey in a real headless Chromium: record an activity with the keyboard, see it in the list, fix a
count error, edit it; each page checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.core.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advisor_records_an_activity_sees_it_and_edits_it(browser_page, login_as, axe_check):
    from cnfs.activite.models import Accompagnement, LieuActivite
    from cnfs.lieux.tests.factories import LieuFactory

    page = browser_page
    user = login_as(Role.CONSEILLER, first_name="Camille")
    lieu = LieuFactory(nom="Médiathèque Louise Michel")
    LieuActivite.objects.create(conseiller=user, lieu=lieu, principal=True)

    page.goto("/mon-espace/")
    page.get_by_role("link", name="Comptes rendus d’activité").click()
    expect(page.get_by_role("heading", level=1, name="Mes comptes rendus d’activité")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Saisir un compte rendu").click()
    expect(page.get_by_role("heading", level=1, name="Nouveau compte rendu d’activité")).to_be_visible()
    # The defaults: today, individual, at the principal place, 30 minutes, one participant.
    expect(page.get_by_label("Accompagnement individuel")).to_be_checked()
    expect(page.get_by_role("combobox", name=re.compile("^Lieu d’activité"))).to_have_value(str(lieu.pk))
    expect(page.get_by_label("30 min")).to_be_checked()
    expect(page.get_by_label("Participants", exact=True)).to_have_value("1")
    axe_check(page)

    # First a mistake: the situation is not filled in, so the counts do not sum.
    page.get_by_label("35 à 60 ans").fill("1")
    page.get_by_label("Gérer ses courriels").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(
        page.get_by_text("La répartition par situation compte 0 personne pour 1 personne : il en manque 1.").first
    ).to_be_visible()
    assert Accompagnement.objects.count() == 0
    axe_check(page)

    page.get_by_label("Retraité·e").fill("1")
    page.get_by_label("Retraité·e").press("Enter")  # submits with the keyboard
    expect(page).to_have_url(re.compile("/activite/comptes-rendus/$"))
    expect(page.get_by_text("Le compte rendu a été enregistré.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Médiathèque Louise Michel")
    expect(row).to_contain_text("Gérer ses courriels")
    expect(row).to_contain_text("30 min")
    axe_check(page)

    row.get_by_role("link", name=re.compile("^Modifier")).click()
    expect(page.get_by_role("heading", level=1, name="Modifier le compte rendu")).to_be_visible()
    page.get_by_label("45 min").check()
    page.get_by_label("Accompagner son enfant").check()
    axe_check(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Le compte rendu a été modifié.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Médiathèque Louise Michel")
    expect(row).to_contain_text("45 min")
    expect(row).to_contain_text("Accompagner son enfant")
    record = Accompagnement.objects.get()
    assert record.duree_minutes == 45 and record.themes.count() == 2
