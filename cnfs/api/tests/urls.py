"""Test-only API mounted at /api/test/ (with the real URLs after it): endpoints that exercise auth and errors."""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from ninja import Field, Query, Router, Schema

from cnfs.api.auth import authenticated, caller_of, require_departement, role_auth
from cnfs.api.base import CnfsNinjaAPI
from cnfs.api.throttling import CallerRateThrottle
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.urls import urlpatterns as real_urlpatterns

router = Router()


class Adresse(Schema):
    code_postal: str = Field(pattern=r"^\d{5}$")


class Inscription(Schema):
    nom: str = Field(max_length=10)
    age: int = Field(ge=0, le=130)
    ne_le: date
    genre: Literal["atelier", "permanence"]
    adresse: Adresse
    tags: list[str] = Field(default_factory=list, max_length=2)


class Filtres(Schema):
    page: int = 1
    departement: str | None = None


@router.get("/prefecture", auth=role_auth(Role.PREFECTURE))
def prefecture_only(request):
    return {"caller": str(caller_of(request))}


@router.get("/departement/{code}", auth=role_auth(Role.PREFECTURE, Role.HUB))
def departement(request, code: str):
    require_departement(request, code)
    return {"code": code}


@router.post("/ecrire", auth=authenticated)
def write(request, payload: Inscription):
    return {"nom": payload.nom}


@router.get("/filtres", auth=None)
def filtres(request, filters: Query[Filtres]):
    return filters.dict()


@router.get("/compte/{pk}", auth=None)
def compte(request, pk: int):
    return {"email": User.objects.get(pk=pk).email}


@router.get("/erreur/{kind}", auth=None)
def erreur(request, kind: str):
    if kind == "domaine":
        raise DomainError("Cette candidature est déjà close.", field="statut")
    if kind == "conflit":
        raise DomainError("Ce créneau vient d'être réservé.", code="conflit")
    if kind == "interdit":
        raise PermissionDenied
    if kind == "introuvable":
        raise Http404("Commune inconnue.")
    raise RuntimeError("boom")


test_api = CnfsNinjaAPI(
    title="API de test", urls_namespace="api-test", auth=authenticated, throttle=[CallerRateThrottle()]
)
test_api.add_router("", router)

urlpatterns = [path("api/test/", test_api.urls), *real_urlpatterns]
