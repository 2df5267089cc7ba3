"""Mandate creation with the usager's FranceConnect identity, against a real OpenID Connect provider (npm
`oidc-provider` configured like FranceConnect v2, started by tests/oidc): the whole authorization-code flow through
HTTP, then every refusal (replayed code or state, expired state, nonce mismatch, unknown or rotated key, wrong acr,
provider error), each with a French message, nothing written and a `franceconnect_refuse` journal entry."""

import json
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cnfs.aidants.enums import ActionJournal, Demarche
from cnfs.aidants.models import JournalEntry, Mandat, Usager
from cnfs.aidants.services import sub_hash
from cnfs.aidants.tests.factories import OrganisationFactory, aidant_user
from cnfs.core.tests.auth import login, totp_code
from cnfs.core.tests.factories import user_with_role
from tests.oidc.fixtures import CALLBACK_PATH, FlowDriver, configure

pytestmark = pytest.mark.django_db

CREATE = reverse("aidants:mandat_create")
RECAP = reverse("aidants:franceconnect_recap")
REFUSED = "L’identité transmise par FranceConnect n’a pas pu être vérifiée"


@pytest.fixture
def aidant(client):
    organisation = OrganisationFactory(nom="France Services de Firminy")
    user = aidant_user(organisation)
    device = login(client, user)
    return {"user": user, "device": device, "organisation": organisation}


def _choose(client, demarches=("social", "logement"), duree="six_mois"):
    response = client.post(CREATE, {"demarches": list(demarches), "duree": duree})
    assert response.status_code == 302 and response["Location"] == reverse("aidants:franceconnect"), response
    return response


def _to_callback(client, provider) -> tuple[FlowDriver, str]:
    """Start at the FranceConnect button and run the provider's side: the callback URL it sends the browser to."""
    driver = FlowDriver(client, provider)
    step = driver.follow(reverse("aidants:franceconnect_authorize"), until=CALLBACK_PATH)
    assert step.location and CALLBACK_PATH in step.location, driver.visited
    return driver, step.location


def _refusals():
    entries = JournalEntry.objects.filter(action=ActionJournal.FRANCECONNECT_REFUSE)
    return [json.loads(payload) for payload in entries.values_list("payload", flat=True)]


def _assert_refused(client, response, message, motif):
    assert response.status_code == 302 and response["Location"] == CREATE
    page = client.get(CREATE).content.decode()
    assert message in page
    assert not Usager.objects.exists() and not Mandat.objects.exists()
    assert {"motif": motif} in _refusals()
    # No personal data in the refusal's journal entry.
    entry = JournalEntry.objects.filter(action=ActionJournal.FRANCECONNECT_REFUSE).last()
    assert entry.usager == "" and "Martin" not in str(entry.payload)


def test_full_flow_through_the_provider_creates_the_mandate(client, aidant, franceconnect):
    page = client.get(CREATE).content.decode()
    assert "Prénoms de l’usager" not in page and "Continuer vers FranceConnect" in page  # nothing typed
    _choose(client)
    page = client.get(reverse("aidants:franceconnect")).content.decode()
    assert "S’identifier avec" in page and "Social — Santé, Logement" in page

    driver = FlowDriver(client, franceconnect)
    step = driver.follow(reverse("aidants:franceconnect_authorize"))
    # Our pages → the provider (authorize, scripted interaction) → our callback → the provider's logout → recap.
    authorize = next(url for url in driver.visited if url.startswith(franceconnect.issuer + "/auth?"))
    query = parse_qs(urlsplit(authorize).query)
    assert query["acr_values"] == ["eidas1"] and query["response_type"] == ["code"]
    assert len(query["nonce"][0]) >= 22 and len(query["state"][0]) >= 22
    assert set(query["scope"][0].split()) >= {"openid", "given_name", "family_name", "birthdate"}
    assert any(franceconnect.issuer + "/session/end" in url for url in driver.visited)  # logged out at the provider
    assert step.url.endswith(RECAP) and step.status == 200
    assert "Identité vérifiée par FranceConnect" in step.text and "Jeanne Marie" in step.text
    assert "02/05/1948" in step.text and "Vous autorisez l’organisation France Services de Firminy" in step.text
    assert not Mandat.objects.exists()

    response = client.post(RECAP, {"consentement": "on", "totp": totp_code(aidant["device"])})
    mandat = Mandat.objects.get()
    assert response["Location"] == reverse("aidants:mandat", args=[mandat.pk])
    assert sorted(a.demarche for a in mandat.autorisations.all()) == [Demarche.LOGEMENT, Demarche.SOCIAL]
    assert mandat.duree == "six_mois" and mandat.organisation == aidant["organisation"]
    usager = mandat.usager
    assert (usager.given_names, usager.family_name, str(usager.birthdate)) == ("Jeanne Marie", "Martin", "1948-05-02")
    # Pairwise sub, hashed: neither the provider's account id nor the raw sub is stored.
    assert usager.sub_hash != sub_hash("jeanne-martin-1948") and len(usager.sub_hash) == 64
    identity = JournalEntry.objects.get(action=ActionJournal.IDENTITE_USAGER)
    assert json.loads(identity.payload) == {"source": "oidc"}
    assert not _refusals()
    # The identity is single use: the recap is gone.
    assert client.get(RECAP)["Location"] == CREATE


def test_same_person_twice_is_the_same_usager(client, aidant, franceconnect):
    for duree in ("mois", "douze_mois"):
        _choose(client, demarches=["social"], duree=duree)
        FlowDriver(client, franceconnect).follow(reverse("aidants:franceconnect_authorize"))
        client.post(
            RECAP, {"consentement": "on", "totp": totp_code(aidant["device"], steps_ahead=duree == "douze_mois")}
        )
    assert Usager.objects.count() == 1 and Mandat.objects.count() == 2


def test_rs256_client_is_accepted(client, aidant, franceconnect, settings):
    configure(settings, franceconnect, client_id=f"{franceconnect.client_id}-rs256")
    _choose(client)
    step = FlowDriver(client, franceconnect).follow(reverse("aidants:franceconnect_authorize"))
    assert step.url.endswith(RECAP) and "Jeanne Marie" in step.text


def test_wrong_totp_on_the_recap_keeps_the_identity(client, aidant, franceconnect, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _choose(client)
    FlowDriver(client, franceconnect).follow(reverse("aidants:franceconnect_authorize"))
    good = totp_code(aidant["device"])
    response = client.post(RECAP, {"consentement": "on", "totp": "000000" if good != "000000" else "111111"})
    assert response.status_code == 200 and "Code incorrect ou déjà utilisé." in response.content.decode()
    assert not Mandat.objects.exists()
    response = client.post(RECAP, {"consentement": "on", "totp": totp_code(aidant["device"], steps_ahead=1)})
    assert Mandat.objects.count() == 1 and response.status_code == 302


def test_replayed_callback_is_refused(client, aidant, franceconnect):
    _choose(client)
    driver, callback = _to_callback(client, franceconnect)
    driver.follow(callback)
    assert client.session.get("aidants_fc_identite")  # the first answer was accepted
    response = client.get(callback.removeprefix("http://testserver"))
    _assert_refused(client, response, "ne correspond à aucune connexion en cours", "state_inconnu")


def test_replayed_code_with_a_fresh_state_is_refused_by_the_provider(client, aidant, franceconnect):
    _choose(client)
    driver, first = _to_callback(client, franceconnect)
    driver.follow(first)  # the code is used once
    _choose(client)
    _, second = _to_callback(client, franceconnect)
    code = parse_qs(urlsplit(first).query)["code"][0]
    state = parse_qs(urlsplit(second).query)["state"][0]
    response = client.get(CALLBACK_PATH, {"code": code, "state": state})
    _assert_refused(client, response, REFUSED, "code_refuse")


def test_expired_state_is_refused(client, aidant, franceconnect, settings):
    settings.FRANCECONNECT_STATE_TTL = 0
    _choose(client)
    _, callback = _to_callback(client, franceconnect)
    response = client.get(callback.removeprefix("http://testserver"))
    _assert_refused(client, response, "La connexion FranceConnect a pris trop de temps", "state_expire")


def test_forged_state_is_refused(client, aidant, franceconnect):
    _choose(client)
    _, callback = _to_callback(client, franceconnect)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = client.get(CALLBACK_PATH, {"code": code, "state": "x" * 43})
    _assert_refused(client, response, "ne correspond à aucune connexion en cours", "state_inconnu")


def test_code_of_another_flow_fails_the_nonce(client, aidant, franceconnect):
    """Code injection: a code obtained in another browser (its own nonce) sent with this browser's state."""
    from django.test import Client

    other = Client()
    login(other, aidant_user(aidant["organisation"]))
    _choose(other)
    _, stolen = _to_callback(other, franceconnect)
    _choose(client)
    _, mine = _to_callback(client, franceconnect)
    code = parse_qs(urlsplit(stolen).query)["code"][0]
    state = parse_qs(urlsplit(mine).query)["state"][0]
    response = client.get(CALLBACK_PATH, {"code": code, "state": state})
    _assert_refused(client, response, REFUSED, "nonce")


@pytest.mark.parametrize(
    ("jwks", "motif"), [("rotated", "id_token_cle_inconnue"), ("same_kid_other_key", "id_token_signature")]
)
def test_id_token_signed_by_a_key_not_in_the_jwks_is_refused(client, aidant, franceconnect, jwks, motif):
    _choose(client)
    _, callback = _to_callback(client, franceconnect)
    franceconnect.scenario(jwks=jwks)  # the provider now publishes other keys than the one that signed
    response = client.get(callback.removeprefix("http://testserver"))
    _assert_refused(client, response, REFUSED, motif)


def test_wrong_acr_is_refused(client, aidant, franceconnect):
    franceconnect.scenario(acr="eidas2")
    _choose(client)
    _, callback = _to_callback(client, franceconnect)
    response = client.get(callback.removeprefix("http://testserver"))
    _assert_refused(client, response, "niveau de garantie", "acr")


def test_provider_error_is_refused(client, aidant, franceconnect):
    _choose(client)
    driver = FlowDriver(client, franceconnect)
    step = driver.get(reverse("aidants:franceconnect_authorize"))
    state = parse_qs(urlsplit(step.location).query)["state"][0]
    response = client.get(CALLBACK_PATH, {"error": "access_denied", "state": state})
    _assert_refused(client, response, "FranceConnect n’a pas transmis l’identité", "fournisseur_erreur")


def test_identity_without_birthdate_is_refused(client, aidant, franceconnect):
    franceconnect.scenario(person={"birthdate": ""})
    _choose(client)
    _, callback = _to_callback(client, franceconnect)
    response = client.get(callback.removeprefix("http://testserver"))
    _assert_refused(client, response, "date de naissance", "identite_incomplete")


def test_unreachable_provider_is_refused(client, aidant, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FRANCECONNECT_ISSUER = f"http://127.0.0.1:{port}"
    settings.FRANCECONNECT_CLIENT_ID = "x"
    _choose(client)
    response = client.get(reverse("aidants:franceconnect_authorize"))
    _assert_refused(client, response, "FranceConnect est indisponible", "fournisseur_indisponible")


def test_demarche_outside_habilitation_refused_before_franceconnect(client, aidant, franceconnect):
    response = client.post(CREATE, {"demarches": ["justice"], "duree": "mois"})
    assert response.status_code == 200 and "n’est pas habilitée pour" in response.content.decode()
    assert client.get(reverse("aidants:franceconnect_authorize"))["Location"] == CREATE
    assert JournalEntry.objects.filter(action=ActionJournal.TENTATIVE_REFUSEE).exists()


def test_recap_without_identity_sends_back(client, aidant, franceconnect):
    response = client.get(RECAP)
    assert response["Location"] == CREATE


def test_typed_identity_is_not_accepted_when_franceconnect_is_configured(client, aidant, franceconnect):
    payload = {"given_name": "Faux", "family_name": "Nom", "birthdate": "1950-01-01", "demarches": ["social"]}
    response = client.post(CREATE, {**payload, "duree": "mois", "consentement": "on", "totp": "123456"})
    assert response["Location"] == reverse("aidants:franceconnect")  # only the choices were kept
    assert not Usager.objects.exists()


def test_fallback_is_labelled_when_franceconnect_is_not_configured(client, aidant, settings):
    settings.FRANCECONNECT_ISSUER = ""
    page = client.get(CREATE).content.decode()
    assert "Mode de démonstration : identité saisie par l’aidant" in page and "Prénoms de l’usager" in page


@pytest.mark.parametrize(
    "name", ["franceconnect", "franceconnect_authorize", "franceconnect_callback", "franceconnect_recap"]
)
def test_pages_refused_to_non_aidants(client, name, settings):
    settings.FRANCECONNECT_ISSUER = "http://127.0.0.1:10"
    url = reverse(f"aidants:{name}")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, user_with_role("structure"))
    assert client.get(url).status_code == 403


def test_identity_waiting_too_long_is_dropped(client, aidant, franceconnect, settings):
    settings.FRANCECONNECT_IDENTITY_TTL = 0
    _choose(client)
    step = FlowDriver(client, franceconnect).follow(reverse("aidants:franceconnect_authorize"))
    assert step.url.endswith(CREATE) and "Aucune identité FranceConnect n’attend votre confirmation" in step.text
    response = client.post(RECAP, {"consentement": "on", "totp": totp_code(aidant["device"])})
    assert response["Location"] == CREATE and not Usager.objects.exists() and not Mandat.objects.exists()


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_tokens_not_signed_with_es256_or_rs256_are_refused(franceconnect, settings, alg):
    """Algorithm confusion: a token signed with a shared secret (or not at all) under a kid of the real JWKS."""
    import base64

    from joserfc import jwt
    from joserfc.jwk import OctKey

    from cnfs.aidants import franceconnect as client_module

    where = client_module.endpoints()
    keys = client_module._key_set(where)
    kid = keys.keys[0].kid
    claims = {"iss": where.issuer, "aud": settings.FRANCECONNECT_CLIENT_ID, "sub": "x"}
    if alg == "HS256":
        token = jwt.encode({"alg": "HS256", "kid": kid}, claims, OctKey.import_key("s" * 32))
    else:

        def part(data):
            return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

        token = f"{part({'alg': 'none', 'kid': kid})}.{part(claims)}."
    with pytest.raises(client_module.FranceConnectError) as refused:
        client_module.verified_jwt(token, where, keys, what="id_token")
    assert refused.value.code == "id_token_algorithme"


def test_identity_does_not_follow_the_aidant_into_another_organisation(client, aidant, franceconnect):
    from cnfs.aidants.models import Aidant
    from cnfs.core.models import RoleAssignment

    _choose(client)
    step = FlowDriver(client, franceconnect).follow(reverse("aidants:franceconnect_authorize"))
    assert step.url.endswith(RECAP)
    other = OrganisationFactory()
    Aidant.objects.filter(user=aidant["user"]).update(organisation=other)
    RoleAssignment.objects.filter(user=aidant["user"], role="aidant").update(object_id=str(other.pk))
    response = client.post(RECAP, {"consentement": "on", "totp": totp_code(aidant["device"])})
    assert response["Location"] == CREATE and not Mandat.objects.exists() and not Usager.objects.exists()
