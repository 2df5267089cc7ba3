"""Evaluation journeys in a real headless Chromium: an advisor's dashboard with a topic filter, a prefecture's
dashboard and its CSV export, the public national statistics; each page checked with axe."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cnfs.core.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advisor_opens_the_dashboard_and_filters_a_topic(browser_page, login_as, axe_check):
    from cnfs.pilotage.tests.helpers import commune_in, write

    page = browser_page
    user = login_as(Role.CONSEILLER, first_name="Camille")
    loire = commune_in("42", "42218", "Saint-Étienne")
    write(
        conseiller=user,
        commune=loire,
        themes=("courriel", "internet"),
        participants=2,
        ages=[0, 0, 1, 1, 0],
        statuts=[0, 1, 1, 0, 0],
    )
    write(conseiller=user, commune=loire, themes=("smartphone",), type="collectif", participants=6)

    page.goto("/mon-espace/")
    page.get_by_role("link", name="Tableau de bord de l’activité").click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord de l’activité — Votre activité")).to_be_visible()
    key_figures = page.locator('table[data-rubrique="chiffres_cles"]')
    expect(key_figures.get_by_role("row", name="Accompagnements")).to_contain_text("2")
    expect(page.get_by_role("img", name=re.compile("^Thèmes des accompagnements"))).to_be_visible()
    axe_check(page)

    page.get_by_role("combobox", name=re.compile("^Thème")).select_option("smartphone")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile("theme=smartphone"))
    expect(key_figures.get_by_role("row", name=re.compile(r"^Participants \d"))).to_have_text(
        re.compile(r"Participants\s*6")
    )
    expect(page.get_by_text("Non ventilé lorsqu’un thème est choisi.").first).to_be_visible()
    axe_check(page)


def test_prefecture_dashboard_and_csv_export(browser_page, login_as, axe_check):
    from cnfs.core.tests.factories import user_with_role
    from cnfs.pilotage.tests.helpers import commune_in, write

    page = browser_page
    loire = commune_in("42", "42218", "Saint-Étienne")
    write(
        conseiller=user_with_role(Role.CONSEILLER),
        commune=loire,
        participants=3,
        ages=[0, 0, 1, 1, 1],
        statuts=[0, 0, 1, 1, 1],
    )
    login_as(Role.PREFECTURE)
    page.goto("/pilotage/")
    expect(page.get_by_role("heading", level=1, name=re.compile("Tableau de bord de l’activité"))).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Du recrutement au terrain")).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Chiffres clés;Participants;Valeur;3" in content


def test_public_national_statistics(browser_page, axe_check):
    from cnfs.core.tests.factories import user_with_role
    from cnfs.pilotage.tests.helpers import commune_in, write

    page = browser_page
    loire = commune_in("42", "42218", "Saint-Étienne")
    write(conseiller=user_with_role(Role.CONSEILLER), commune=loire)
    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", level=1, name="Statistiques nationales")).to_be_visible()
    expect(page.locator('table[data-rubrique="chiffres_cles"]')).to_contain_text("Accompagnements")
    axe_check(page)
    page.get_by_role("combobox", name=re.compile("^Département")).select_option("42")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page.get_by_role("heading", level=2, name="Chiffres non publiés")).to_be_visible()
    axe_check(page)
