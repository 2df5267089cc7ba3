"""cnfs as an OpenID Connect provider, end to end: a real relying party (Authlib) against the live server.

The aidant's browser is a `requests.Session` carrying a Django session logged in with a verified second factor.
Authlib builds the authorize URL (PKCE S256, state, nonce), the aidant picks the usager, Authlib exchanges the code;
the id_token's RS256 signature is checked against the published JWKS (joserfc, Authlib's JOSE library) and the
userinfo is fetched with the access token.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.test import Client
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet

from cnfs.aidants.enums import ActionJournal, Demarche
from cnfs.aidants.idp.services import pairwise_sub
from cnfs.aidants.models import JournalEntry, UtilisationMandat
from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, UsagerFactory, aidant_user
from cnfs.core.tests.auth import login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("purge_journal_after")]

OIDC = "/aidants-connect/oidc"
REDIRECT = "http://127.0.0.1:9/retour"
SECRET = "secret-du-service-en-ligne-de-test"


@pytest.fixture
def world(live_server):
    from oauth2_provider.models import Application

    organisation = OrganisationFactory(nom="France Services de Roanne")
    other = OrganisationFactory(nom="France Services de Feurs")
    user = aidant_user(organisation)
    jeanne = UsagerFactory(given_names="Jeanne", family_name="Martin", birthdate=datetime.date(1948, 5, 2))
    mandat = MandatFactory(organisation=organisation, usager=jeanne, demarches=[Demarche.LOGEMENT, Demarche.SOCIAL])
    stranger = UsagerFactory(given_names="Paul", family_name="Durand")
    MandatFactory(organisation=other, usager=stranger, demarches=[Demarche.LOGEMENT])
    application = Application.objects.create(
        name="Service logement de test",
        client_id="service-logement",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        algorithm=Application.RS256_ALGORITHM,
    )
    return {
        "base": live_server.url,
        "user": user,
        "jeanne": jeanne,
        "mandat": mandat,
        "stranger": stranger,
        "application": application,
    }


def _browser(user, *, verified=True) -> requests.Session:
    client = Client()
    login(client, user, verified=verified)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return session


def _rp(base: str, scope="openid demarche:logement", redirect_uri=REDIRECT) -> OAuth2Session:
    return OAuth2Session(
        "service-logement",
        SECRET,
        scope=scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint=f"{base}{OIDC}/token/",
    )


def _authorize(world, rp: OAuth2Session, **extra):
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(24)
    url, state = rp.create_authorization_url(
        f"{world['base']}{OIDC}/authorize/", nonce=nonce, code_verifier=verifier, **extra
    )
    return url, state, verifier, nonce


def _choose(browser: requests.Session, url: str, usager_uuid) -> requests.Response:
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 200, page.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return browser.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf, "usager": str(usager_uuid), "confirmer": ""},
        headers={"Referer": page.url},
        allow_redirects=False,
    )


def _journal(action) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(action=action).order_by("seq"))


def test_full_flow_gives_the_usager_identity_signed_and_journaled(world):
    base = world["base"]
    browser = _browser(world["user"])
    rp = _rp(base)
    url, state, verifier, nonce = _authorize(world, rp)

    page = browser.get(url)
    assert "Jeanne Martin" in page.text
    assert "Paul" not in page.text  # an usager of another organisation is never listed
    answer = _choose(browser, url, world["jeanne"].uuid)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT) and f"state={state}" in location

    token = rp.fetch_token(authorization_response=location, code_verifier=verifier)
    discovery = requests.get(f"{base}{OIDC}/.well-known/openid-configuration").json()
    assert discovery["issuer"] == f"{base}{OIDC}"
    assert discovery["token_endpoint"] == f"{base}{OIDC}/token/"
    jwks = requests.get(discovery["jwks_uri"]).json()
    decoded = jwt.decode(token["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256"
    assert decoded.header["kid"] in {key["kid"] for key in jwks["keys"]}
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": "service-logement"},
        nonce={"essential": True, "value": nonce},
    ).validate(decoded.claims)
    jeanne, mandat = world["jeanne"], world["mandat"]
    expected = {
        "sub": pairwise_sub("service-logement", jeanne),
        "given_name": "Jeanne",
        "family_name": "Martin",
        "birthdate": "1948-05-02",
        "demarche": "logement",
        "mandat_fin": mandat.fin.isoformat(),
    }
    assert {k: decoded.claims[k] for k in expected} == expected
    assert decoded.claims["sub"] not in {jeanne.sub_hash, str(jeanne.uuid), str(world["user"].pk)}

    userinfo = rp.get(discovery["userinfo_endpoint"])
    assert userinfo.status_code == 200
    assert {k: userinfo.json()[k] for k in expected} == expected

    [used] = _journal(ActionJournal.MANDAT_UTILISE)
    assert (used.actor_id, used.usager, used.demarche, used.mandat_id) == (
        world["user"].pk,
        str(jeanne.uuid),
        "logement",
        mandat.pk,
    )
    assert json.loads(used.payload)["service"] == "service-logement"
    assert "Jeanne" not in used.payload


def test_pairwise_sub_differs_between_services(world):
    assert pairwise_sub("service-logement", world["jeanne"]) != pairwise_sub("autre-service", world["jeanne"])


def test_replayed_code_is_refused_and_revokes_the_first_tokens(world):
    browser = _browser(world["user"])
    rp = _rp(world["base"])
    url, _state, verifier, _nonce = _authorize(world, rp)
    location = _choose(browser, url, world["jeanne"].uuid).headers["Location"]
    rp.fetch_token(authorization_response=location, code_verifier=verifier)
    assert rp.get(f"{world['base']}{OIDC}/userinfo/").status_code == 200

    replay = _rp(world["base"])
    with pytest.raises(OAuthError) as refused:
        replay.fetch_token(authorization_response=location, code_verifier=verifier, state=_state)
    assert refused.value.error == "invalid_grant"
    assert rp.get(f"{world['base']}{OIDC}/userinfo/").status_code == 401  # the first exchange's token is revoked
    assert len(_journal(ActionJournal.MANDAT_UTILISE)) == 1
    [refusal] = _journal(ActionJournal.TENTATIVE_REFUSEE)
    assert json.loads(refusal.payload)["motif"] == "code_rejoue"


def test_expired_code_is_refused(world):
    from oauth2_provider.models import AccessToken, Grant

    browser = _browser(world["user"])
    rp = _rp(world["base"])
    url, state, verifier, _nonce = _authorize(world, rp)
    location = _choose(browser, url, world["jeanne"].uuid).headers["Location"]
    grant = Grant.objects.get()
    assert (grant.expires - timezone.now()).total_seconds() <= 60
    Grant.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(OAuthError) as refused:
        rp.fetch_token(authorization_response=location, code_verifier=verifier, state=state)
    assert refused.value.error == "invalid_grant"
    assert not AccessToken.objects.exists()
    assert not _journal(ActionJournal.MANDAT_UTILISE)
    assert [json.loads(e.payload)["motif"] for e in _journal(ActionJournal.TENTATIVE_REFUSEE)] == ["code_expire"]


def test_wrong_pkce_verifier_is_refused(world):
    from oauth2_provider.models import AccessToken

    browser = _browser(world["user"])
    rp = _rp(world["base"])
    url, state, _verifier, _nonce = _authorize(world, rp)
    location = _choose(browser, url, world["jeanne"].uuid).headers["Location"]
    with pytest.raises(OAuthError):
        rp.fetch_token(authorization_response=location, code_verifier=secrets.token_urlsafe(48), state=state)
    assert not AccessToken.objects.exists()


def test_unregistered_redirect_uri_is_never_redirected_to(world):
    from oauth2_provider.models import Grant

    browser = _browser(world["user"])
    rp = _rp(world["base"], redirect_uri="https://pirate.example/retour")
    url, *_ = _authorize(world, rp)
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 400
    assert "adresse de retour non enregistrée" in page.text
    assert not Grant.objects.exists()


def test_wrong_redirect_uri_at_exchange_is_refused(world):
    from oauth2_provider.models import AccessToken

    browser = _browser(world["user"])
    rp = _rp(world["base"])
    url, state, verifier, _nonce = _authorize(world, rp)
    location = _choose(browser, url, world["jeanne"].uuid).headers["Location"]
    other = _rp(world["base"], redirect_uri="http://127.0.0.1:9/autre")
    with pytest.raises(OAuthError):
        other.fetch_token(authorization_response=location, code_verifier=verifier, state=state)
    assert not AccessToken.objects.exists()
    assert [json.loads(e.payload)["motif"] for e in _journal(ActionJournal.TENTATIVE_REFUSEE)] == [
        "redirect_uri_differente"
    ]


def test_demarche_without_authorisation_lists_nobody_and_a_posted_usager_is_refused(world):
    from oauth2_provider.models import Grant

    browser = _browser(world["user"])
    rp = _rp(world["base"], scope="openid demarche:transports")
    url, *_ = _authorize(world, rp)
    page = browser.get(url)
    assert "Aucun usager n’a donné à votre organisation de mandat actif" in page.text
    answer = _choose(browser, url, world["jeanne"].uuid)
    assert answer.status_code == 403
    assert "Aucun mandat de votre organisation ne vous autorise" in answer.text
    assert not Grant.objects.exists() and not UtilisationMandat.objects.exists()
    [refusal] = _journal(ActionJournal.TENTATIVE_REFUSEE)
    assert (json.loads(refusal.payload)["motif"], refusal.demarche) == ("sans_mandat", "transports")


def test_cross_organisation_usager_posted_by_hand_is_refused(world):
    from oauth2_provider.models import Grant

    browser = _browser(world["user"])
    rp = _rp(world["base"])
    url, *_ = _authorize(world, rp)
    answer = _choose(browser, url, world["stranger"].uuid)
    assert answer.status_code == 403
    assert "Aucun mandat de votre organisation" in answer.text
    assert "Paul" not in answer.text
    assert not Grant.objects.exists()
    [refusal] = _journal(ActionJournal.TENTATIVE_REFUSEE)
    assert (refusal.usager, json.loads(refusal.payload)["motif"]) == (str(world["stranger"].uuid), "sans_mandat")


def test_revoked_authorisation_is_refused_at_choice_and_at_exchange(world):
    from oauth2_provider.models import AccessToken

    browser = _browser(world["user"])
    rp = _rp(world["base"])
    url, state, verifier, _nonce = _authorize(world, rp)
    location = _choose(browser, url, world["jeanne"].uuid).headers["Location"]
    world["mandat"].autorisations.filter(demarche="logement").update(revoked_at=timezone.now())
    with pytest.raises(OAuthError):
        rp.fetch_token(authorization_response=location, code_verifier=verifier, state=state)
    assert not AccessToken.objects.exists()
    url, *_ = _authorize(world, _rp(world["base"]))
    answer = _choose(browser, url, world["jeanne"].uuid)
    assert answer.status_code == 403
    assert "a été révoquée" in answer.text
    motifs = [json.loads(e.payload)["motif"] for e in _journal(ActionJournal.TENTATIVE_REFUSEE)]
    assert motifs == ["autorisation_terminee", "autorisation_revoquee"]


def test_unknown_demarche_is_refused_in_french(world):
    browser = _browser(world["user"])
    url, *_ = _authorize(world, _rp(world["base"], scope="openid demarche:casino"))
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 400
    assert "Démarche inconnue" in page.text
    assert [json.loads(e.payload)["motif"] for e in _journal(ActionJournal.TENTATIVE_REFUSEE)] == ["demarche_inconnue"]


def test_aidant_of_another_organisation_sees_only_their_own_usagers(world):
    other_aidant = aidant_user(world["stranger"].mandats.get().organisation)
    browser = _browser(other_aidant)
    url, *_ = _authorize(world, _rp(world["base"]))
    page = browser.get(url)
    assert "Paul Durand" in page.text and "Jeanne" not in page.text
    answer = _choose(browser, url, world["jeanne"].uuid)
    assert answer.status_code == 403


def test_not_an_aidant_is_refused(world):
    from cnfs.core.tests.factories import UserFactory

    browser = _browser(UserFactory(), verified=True)
    url, *_ = _authorize(world, _rp(world["base"]))
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 403
    assert "aidant habilité" in page.text
    assert [json.loads(e.payload)["motif"] for e in _journal(ActionJournal.TENTATIVE_REFUSEE)] == ["non_habilite"]


def test_unverified_second_factor_is_sent_to_the_code_page(world):
    from oauth2_provider.models import Grant

    browser = _browser(world["user"], verified=False)
    url, *_ = _authorize(world, _rp(world["base"]))
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 302
    assert "/authorize/" not in page.headers["Location"].split("?")[0]
    assert not Grant.objects.exists()


def test_token_endpoint_refuses_other_grant_types(world):
    answer = requests.post(
        f"{world['base']}{OIDC}/token/",
        data={"grant_type": "client_credentials"},
        auth=("service-logement", SECRET),
    )
    assert answer.status_code in (400, 401)
    assert "access_token" not in answer.text


def test_expired_authorisation_is_not_listed_and_refused_when_posted(world):
    from oauth2_provider.models import Grant

    organisation = world["mandat"].organisation
    ancien = UsagerFactory(given_names="Marcel", family_name="Ancien")
    MandatFactory(organisation=organisation, usager=ancien, demarches=[Demarche.LOGEMENT], expire=True)
    browser = _browser(world["user"])
    url, *_ = _authorize(world, _rp(world["base"]))
    assert "Marcel" not in browser.get(url).text
    answer = _choose(browser, url, ancien.uuid)
    assert answer.status_code == 403
    assert "a expiré le" in answer.text
    assert not Grant.objects.exists()
    assert [json.loads(e.payload)["motif"] for e in _journal(ActionJournal.TENTATIVE_REFUSEE)] == [
        "autorisation_expiree"
    ]
