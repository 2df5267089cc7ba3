from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import reverse

PAGE_SIZE = 25


def crumbs(*items: tuple[str, str | None]) -> list[dict]:
    """Breadcrumbs from (label, url) pairs, starting at "Mon espace"."""
    result = [{"label": "Accueil", "url": "/"}, {"label": "Mon espace", "url": reverse("core:mon_espace")}]
    return result + [{"label": label, "url": url} for label, url in items]


def paginate(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))
