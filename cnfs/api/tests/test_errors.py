"""Bad input never gives a 500 or an HTML page: JSON, French, right 4xx."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnfs.api.errors import field_name, translate_error
from cnfs.api.tests.conftest import login
from cnfs.core.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cnfs.api.tests.urls")]


@pytest.fixture
def user_client(client):
    return login(client, UserFactory())


def post(client, body, content_type="application/json"):
    return client.post("/api/test/ecrire", body, content_type=content_type)


def errors_by_field(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "Données invalides."
    return {e["champ"]: e["message"] for e in body["errors"]}


def test_missing_fields_are_listed_in_french(user_client):
    errors = errors_by_field(post(user_client, "{}"))
    assert errors == {
        "nom": "Ce champ est obligatoire.",
        "age": "Ce champ est obligatoire.",
        "ne_le": "Ce champ est obligatoire.",
        "genre": "Ce champ est obligatoire.",
        "adresse": "Ce champ est obligatoire.",
    }


def test_wrong_types_and_limits_are_translated(user_client):
    payload = {
        "nom": "x" * 11,
        "age": "trente",
        "ne_le": "2020-13-01",
        "genre": "visio",
        "adresse": {"code_postal": "4200"},
        "tags": ["a", "b", "c"],
    }
    errors = errors_by_field(post(user_client, json.dumps(payload)))
    assert errors["nom"] == "Au plus 10 caractère(s) accepté(s)."
    assert errors["age"] == "Un nombre entier est attendu."
    assert errors["ne_le"] == "Une date est attendue (AAAA-MM-JJ)."
    assert errors["genre"].startswith("Valeur non reconnue ; valeurs possibles : 'atelier', 'permanence'")
    assert errors["adresse.code_postal"] == "Le format n'est pas valide."
    assert errors["tags"] == "Au plus 2 élément(s) accepté(s)."


def test_number_bounds_and_nested_objects(user_client):
    payload = {"nom": "x", "age": -1, "ne_le": "2020-01-01", "genre": "atelier", "adresse": "Saint-Étienne"}
    errors = errors_by_field(post(user_client, json.dumps(payload)))
    assert errors["age"] == "La valeur doit être supérieure ou égale à 0."
    # ninja schemas read attributes too, so a string in place of an object lacks its fields.
    assert errors["adresse.code_postal"] == "Ce champ est obligatoire."


def test_query_and_path_parameters_are_validated(client):
    assert errors_by_field(client.get("/api/test/filtres?page=abc")) == {"page": "Un nombre entier est attendu."}
    assert errors_by_field(client.get("/api/test/compte/abc")) == {"pk": "Un nombre entier est attendu."}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{mal formé", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        ('{"nom": "x",}', "application/json"),
        ("nom=x&age=3", "application/x-www-form-urlencoded"),
    ],
    ids=["json-casse", "octets", "virgule", "formulaire"],
)
def test_malformed_body_is_400_json(user_client, body, content_type):
    response = post(user_client, body, content_type)
    assert response.status_code == 400
    assert response.json() == {"detail": "Le corps de la requête n'est pas un document JSON valide."}


@pytest.mark.parametrize("url", ["/api/v1/inconnu", "/api/v1/moi/plus/loin", "/api/v2/health", "/api/"])
def test_unknown_api_route_is_404_json(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "Adresse inconnue" in response.json()["detail"]


def test_method_not_allowed_is_405_json(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["detail"] == ("Méthode DELETE non autorisée sur cette adresse (méthodes acceptées : GET).")


@pytest.mark.parametrize(
    ("kind", "status", "detail"),
    [
        ("domaine", 400, "Cette candidature est déjà close."),
        ("conflit", 409, "Ce créneau vient d'être réservé."),
        ("interdit", 403, "Accès refusé."),
        ("introuvable", 404, "Commune inconnue."),
        ("bogue", 500, "Erreur interne du serveur. L'incident a été enregistré."),
    ],
)
def test_exceptions_map_to_json_errors(client, kind, status, detail, caplog):
    response = client.get(f"/api/test/erreur/{kind}")
    assert response.status_code == status
    assert response.json()["detail"] == detail
    if kind == "domaine":
        assert response.json()["errors"] == [{"champ": "statut", "message": detail}]
    if kind == "bogue":
        assert "RuntimeError" in caplog.text  # logged for the team, not shown to the caller


def test_object_does_not_exist_is_404_in_french(client):
    response = client.get("/api/test/compte/987654")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=64),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
            lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children),
            max_leaves=12,
        ).map(json.dumps),
        st.fixed_dictionaries(
            {},
            optional={
                "nom": st.text(max_size=15),
                "age": st.integers(-5, 200) | st.text(max_size=3),
                "ne_le": st.text(max_size=12),
                "genre": st.sampled_from(["atelier", "permanence", "?"]),
                "adresse": st.fixed_dictionaries({"code_postal": st.text(max_size=6)}),
            },
        ).map(json.dumps),
    )
)
def test_any_body_gets_a_json_answer_never_a_500(user_client, body):
    response = post(user_client, body)
    assert response.status_code in {200, 400, 422}
    data = response.json()
    if response.status_code != 200:
        assert data["detail"]
        for error in data.get("errors", []):
            assert error["message"] and not error["message"].startswith(("Input should", "Field required"))


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing"}, "Ce champ est obligatoire."),
        ({"type": "string_too_short", "ctx": {"min_length": 2}}, "Au moins 2 caractère(s) attendu(s)."),
        ({"type": "float_parsing"}, "Un nombre est attendu."),
        ({"type": "less_than_equal", "ctx": {"le": 130}}, "La valeur doit être inférieure ou égale à 130."),
        ({"type": "value_error", "ctx": {"error": "SIRET invalide."}}, "SIRET invalide."),
        ({"type": "value_error", "msg": "Value error, Code INSEE inconnu."}, "Code INSEE inconnu."),
        ({"type": "string_too_long"}, "Au plus"),  # context missing: no crash
        ({"type": "type_inconnu"}, "Valeur invalide."),
    ],
)
def test_translate_error(error, message):
    assert translate_error(error).startswith(message)


def test_field_name_drops_the_source_and_the_argument():
    assert field_name(("body", "payload", "adresse", "code_postal")) == "adresse.code_postal"
    assert field_name(("body", "payload", "items", 0, "nom")) == "items.0.nom"
    assert field_name(("query", "q")) == "q"
    assert field_name(("path", "code")) == "code"
