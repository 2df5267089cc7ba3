"""Using a mandate, in a real browser: an online service sends the aidant to cnfs, the aidant signs in with the
second factor, picks the usager on an axe-checked page and is sent back to the service with a code."""

import re
import secrets

import pytest
from authlib.integrations.requests_client import OAuth2Session
from playwright.sync_api import expect

from cnfs.aidants.tests.helpers import purge_journal_after  # noqa: F401 — fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("purge_journal_after"),
]


def test_aidant_picks_the_usager_for_an_online_service(browser_page, axe_check, live_server):
    from oauth2_provider.models import Application, Grant

    from cnfs.aidants.enums import Demarche
    from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, UsagerFactory, aidant_user
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.core.tests.factories import PASSWORD
    from tests.browser.fixtures import complete_second_factor, submit_login

    organisation = OrganisationFactory(nom="France Services de Montbrison")
    user = aidant_user(organisation)
    device = totp_device_create_confirmed(user=user)
    jeanne = UsagerFactory(given_names="Jeanne", family_name="Martin")
    MandatFactory(organisation=organisation, usager=jeanne, demarches=[Demarche.LOGEMENT])
    MandatFactory(organisation=organisation, usager=UsagerFactory(given_names="Luc"), demarches=[Demarche.SOCIAL])
    redirect_uri = f"{live_server.url}/"  # the service's return page: here the home page of the live server
    Application.objects.create(
        name="Demande de logement social",
        client_id="service-logement",
        client_secret="secret-de-test",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
    )
    rp = OAuth2Session(
        "service-logement",
        "secret-de-test",
        scope="openid demarche:logement",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, state = rp.create_authorization_url(
        f"{live_server.url}/aidants-connect/oidc/authorize/",
        nonce=secrets.token_urlsafe(24),
        code_verifier=secrets.token_urlsafe(48),
    )

    page = browser_page
    submit_login(page, user.email, PASSWORD)
    complete_second_factor(page, device)
    page.goto(url)
    expect(page.get_by_role("heading", level=1, name="Choisir l’usager")).to_be_visible()
    expect(page.get_by_text("« Demande de logement social »")).to_be_visible()
    expect(page.get_by_text("Luc")).to_have_count(0)  # no authorisation for this démarche
    axe_check(page)

    page.get_by_role("button", name="Confirmer et transmettre l’identité").click()
    expect(page.get_by_role("heading", level=1, name="Choisir l’usager")).to_be_visible()  # nothing chosen yet
    assert not Grant.objects.exists()
    page.locator("label", has_text="Jeanne Martin").click()  # DSFR draws the radio over its label
    expect(page.get_by_label(re.compile("Jeanne Martin"))).to_be_checked()
    page.get_by_role("button", name="Confirmer et transmettre l’identité").click()
    expect(page).to_have_url(re.compile(rf"\?code=[^&]+.*state={state}"))
    assert Grant.objects.count() == 1
