"""Aidants Connect lifecycle pages in a real browser (ac-life): the responsable links a TOTP card to an aidant;
the aidant, inactive for more than 15 minutes, is asked for a fresh code before an act. Each page checked with axe."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cnfs.aidants.tests.helpers import purge_journal_after  # noqa: F401 — fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("purge_journal_after"),
]

SEED_HEX = "3132333435363738393031323334353637383930"


def test_card_linking_and_totp_recheck(browser_page, axe_check, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    from django.utils import timezone
    from django_otp.oath import totp

    from cnfs.aidants.models import Aidant, CarteTOTP
    from cnfs.aidants.tests.factories import OrganisationFactory, aidant_user, responsable_user
    from cnfs.core.models import User
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.core.tests.factories import PASSWORD
    from tests.browser.fixtures import complete_second_factor, submit_login

    organisation = OrganisationFactory(nom="France Services de Firminy")
    aidant = aidant_user(organisation, first_name="Ada", last_name="Lovelace")
    responsable = responsable_user(organisation)
    CarteTOTP.objects.create(serial="AC-0001", key=SEED_HEX)
    page = browser_page
    submit_login(page, responsable.email, PASSWORD)
    complete_second_factor(page, totp_device_create_confirmed(user=responsable))
    page.goto(f"/aidants-connect/organisations/{organisation.pk}/")
    expect(page.get_by_role("caption", name=re.compile("mois par mois"))).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Authentification de Ada Lovelace").click()
    expect(page.get_by_role("heading", level=1, name="Authentification de Ada Lovelace")).to_be_visible()
    axe_check(page)
    page.get_by_label("Numéro de série de la carte").fill("AC-0001")
    page.get_by_role("button", name="Lier la carte").click()
    expect(page.get_by_text("Carte AC-0001 liée à Ada Lovelace.")).to_be_visible()
    expect(page.get_by_role("cell", name="Carte n° AC-0001")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Lier une application").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Lier une application"))).to_be_visible()
    axe_check(page)

    # The aidant logs in with the card, then stays idle 16 minutes (the login is moved back).
    page.context.clear_cookies()
    submit_login(page, aidant.email, PASSWORD)
    page.get_by_label("Code à usage unique").fill(f"{totp(bytes.fromhex(SEED_HEX)):06d}")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1, name="Mon espace")).to_be_visible()
    User.objects.filter(pk=aidant.pk).update(last_login=timezone.now() - datetime.timedelta(minutes=16))
    page.goto("/aidants-connect/mandats/nouveau/")
    expect(page.get_by_role("heading", level=1, name="Vérification du code")).to_be_visible()
    axe_check(page)
    # The login's code cannot be replayed: the next time step's code (django-otp tolerates one step).
    card = CarteTOTP.objects.get(serial="AC-0001").device  # no sleeping: the next step's code, computed
    next_code = f"{totp(bytes.fromhex(SEED_HEX), t0=-card.step):06d}"
    page.get_by_label("Code à 6 chiffres").fill(next_code)
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", level=1, name="Nouveau mandat")).to_be_visible()
    assert Aidant.objects.get(user=aidant).last_activity_at is not None
