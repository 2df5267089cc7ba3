"""Breadcrumbs and pagination (the recruitment pages' helpers), and the pass numérique's root crumb."""

from django.urls import reverse

from cnfs.recrutement.views._helpers import crumbs as _crumbs
from cnfs.recrutement.views._helpers import paginate

__all__ = ["crumbs", "paginate"]


def crumbs(*items: tuple[str, str | None]) -> list[dict]:
    return _crumbs(("Pass numérique", reverse("passnum:accueil")), *items)
