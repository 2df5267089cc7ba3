"""Endpoints of the API itself: service health and who the caller is."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

from django.db import DatabaseError, connection
from ninja import Router, Schema, Status

from cnfs.api.auth import caller_of

logger = logging.getLogger("cnfs.api")

router = Router(tags=["Service"])


class HealthOut(Schema):
    status: Literal["ok"]
    database: Literal["ok"]


class HealthDown(Schema):
    status: Literal["erreur"]
    database: Literal["indisponible"]
    detail: str


@router.get(
    "/health",
    auth=None,
    throttle=[],
    response={200: HealthOut, 503: HealthDown},
    summary="État du service",
    description="Public. Interroge la base de données ; 503 si elle ne répond pas.",
)
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            ok = cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Contrôle de santé : base de données injoignable")
        ok = False
    if not ok:
        return Status(
            503,
            {
                "status": "erreur",
                "database": "indisponible",
                "detail": "La base de données ne répond pas ; réessayez dans quelques instants.",
            },
        )
    return Status(200, {"status": "ok", "database": "ok"})


class UserOut(Schema):
    email: str
    name: str


class ApiKeyOut(Schema):
    prefix: str
    organisation: str
    siret: str
    read_only: bool
    requests_per_minute: int
    created_at: datetime
    expires_at: datetime | None


class MeOut(Schema):
    kind: Literal["session", "api_key"]
    roles: list[str]
    national: bool
    departements: list[str]
    user: UserOut | None
    api_key: ApiKeyOut | None


@router.get(
    "/moi",
    response=MeOut,
    summary="Qui suis-je pour l'API",
    description=(
        "Compte connecté ou clé d'API qui appelle, avec ses rôles et son périmètre "
        "(`national`, ou la liste des départements couverts)."
    ),
)
def me(request):
    caller = caller_of(request)
    user = caller.user
    return {
        "kind": caller.kind,
        "roles": sorted(caller.roles),
        "national": caller.scope.national,
        "departements": sorted(caller.scope.departements),
        "user": {"email": user.email, "name": user.get_full_name()} if user is not None else None,
        "api_key": caller.api_key,
    }
