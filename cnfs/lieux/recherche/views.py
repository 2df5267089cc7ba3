"""Public pages: "Trouver un lieu" (search, list and map) and the page of one place."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from cnfs.lieux import horaires
from cnfs.lieux.enums import (
    Dispositif,
    FormationLabel,
    Frais,
    Itinerance,
    ModaliteAcces,
    ModaliteAccompagnement,
    PriseEnCharge,
    PublicAdresse,
    Service,
)
from cnfs.lieux.recherche.formatting import format_km, format_telephone, lieu_url
from cnfs.lieux.recherche.forms import MAX_RESULTS, PAGE, RechercheForm
from cnfs.lieux.recherche.selectors import Recherche, lieu_public, lieux_recherche

MAP_ATTRIBUTION = "© contributeurs OpenStreetMap"


def _map_context() -> dict:
    return {"tiles_url": settings.MAP_TILES_URL, "tiles_attribution": MAP_ATTRIBUTION}


@login_not_required
@require_safe
def recherche(request):
    form = RechercheForm(request.GET or None)
    resultat = Recherche()
    limit = PAGE
    if form.is_bound and form.is_valid():
        arguments = form.search_arguments()
        limit = arguments["limit"]
        resultat = lieux_recherche(**arguments)
    lignes = [
        {
            "lieu": r.lieu,
            "distance": format_km(r.distance_km),
            "ouvert_maintenant": r.ouvert_maintenant,
            "labels": r.labels,
            "url": lieu_url(r.lieu.pk),
        }
        for r in resultat.resultats
    ]
    context = {
        "form": form,
        "recherche": resultat,
        "lignes": lignes,
        "plus": min(limit + PAGE, MAX_RESULTS) if len(lignes) == limit and limit < MAX_RESULTS else None,
        "filtres_actifs": form.active_filter_count() if form.is_bound else 0,
        "breadcrumbs": [{"label": "Accueil", "url": reverse("core:home")}, {"label": "Trouver un lieu"}],
        **_map_context(),
    }
    return render(request, "lieux/recherche/recherche.html", context)


def _labels(values, enum) -> list[str]:
    known = dict(enum.choices)
    return [known[value] for value in values or () if value in known]


@login_not_required
@require_safe
def lieu(request, pk: int):
    place = lieu_public(pk)
    try:
        lignes_horaires = horaires.render_fr(place.horaires)
        horaires_invalides = False
    except horaires.HorairesInvalides:
        lignes_horaires, horaires_invalides = [], True
    context = {
        "lieu": place,
        "horaires": lignes_horaires,
        "horaires_invalides": horaires_invalides,
        "ouvert_maintenant": horaires.is_open(place.horaires, timezone.now()) if place.horaires else None,
        "telephone": format_telephone(place.telephone),
        "services": _labels(place.services, Service),
        "publics": _labels(place.publics_specifiquement_adresses, PublicAdresse),
        "prise_en_charge": _labels(place.prise_en_charge_specifique, PriseEnCharge),
        "dispositifs": _labels(place.dispositif_programmes_nationaux, Dispositif),
        "formations": _labels(place.formations_labels, FormationLabel),
        "modalites_acces": _labels(place.modalites_acces, ModaliteAcces),
        "modalites_accompagnement": _labels(place.modalites_accompagnement, ModaliteAccompagnement),
        "frais": _labels(place.frais_a_charge, Frais),
        "itinerance": _labels(place.itinerance, Itinerance),
        "breadcrumbs": [
            {"label": "Accueil", "url": reverse("core:home")},
            {"label": "Trouver un lieu", "url": reverse("lieux:recherche")},
            {"label": place.nom},
        ],
        **_map_context(),
    }
    return render(request, "lieux/recherche/lieu.html", context)
