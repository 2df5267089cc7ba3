"""Reads of the activite app, used by views, the API, exports and the other apps."""

from __future__ import annotations

from django.db.models import QuerySet

from cnfs.lieux.models import Lieu


def lieux_of_conseiller(user) -> QuerySet[Lieu]:
    """The places where `user` holds activity (their `LieuActivite`), principal first."""
    return Lieu.objects.filter(conseillers_actifs__conseiller=user).order_by("-conseillers_actifs__principal", "nom")
