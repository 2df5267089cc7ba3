"""Coverage pages (maillage territorial) for the national team, prefectures and hubs, and their CSV exports."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cnfs.lieux.maillage import selectors
from cnfs.lieux.maillage.coverage import BAND_LABELS, TIME_BANDS
from cnfs.lieux.maillage.forms import CoverageForm
from cnfs.lieux.maillage.permissions import (
    can_view_coverage,
    can_view_departement_coverage,
    coverage_departements,
)
from cnfs.lieux.maillage.svgmap import commune_map, grid_map
from cnfs.territoires.models import Departement

# Above this many communes a map draws cells instead of one dot per commune.
MAX_DOTS = 4000
# A single département lists all its communes; larger territories list the least covered and offer the CSV.
LEAST_COVERED_LIMIT = 30


class Territory:
    """The départements a page covers, after the scope check: one département, the user's own, or the nation."""

    def __init__(self, request, code: str | None):
        user = request.user
        if not can_view_coverage(user):
            raise PermissionDenied(
                "Le maillage territorial est réservé à l’équipe nationale, aux préfectures et aux hubs."
            )
        self.departement = None
        if code is not None:
            self.departement = get_object_or_404(Departement, code=code)
            if not can_view_departement_coverage(user, code):
                raise PermissionDenied("Ce département n’est pas dans votre périmètre.")
            self.codes: list[str] | None = [code]
            self.title = f"{self.departement.nom} ({code})"
        else:
            self.codes = coverage_departements(user)
            if self.codes == []:
                raise PermissionDenied("Aucun département n’est rattaché à votre compte.")
            self.title = "France entière" if self.codes is None else "Votre territoire"
        self.code = code

    @property
    def national(self) -> bool:
        return self.codes is None

    def url(self, name: str) -> str:
        if self.code is None:
            return reverse(f"lieux:maillage_{name}")
        return reverse(f"lieux:maillage_departement_{name}", kwargs={"code": self.code})

    def filename(self, stem: str) -> str:
        return f"{stem}-{self.code or ('france' if self.national else 'territoire')}.csv"


def _form(request) -> tuple[CoverageForm, dict | None]:
    form = CoverageForm(request.GET or None)
    if not form.is_bound:
        return form, {"label": None, "sites": None, "seuil": selectors.DEFAULT_THRESHOLD, "candidats": None}
    return form, (form.cleaned_data if form.is_valid() else None)


def _indicator_rows(indicators: dict, names: dict[str, str]) -> list[dict]:
    rows = []
    for code, item in sorted(indicators.items()):
        rows.append(
            {
                "code": code,
                "nom": names.get(code, code),
                "population": item.population,
                "communes": item.communes,
                "shares": [round(100 * item.share(m), 1) for m in TIME_BANDS],
                "beyond_population": item.beyond_population,
                "beyond_communes": item.beyond_communes,
            }
        )
    return rows


def territoire(request, code: str | None = None):
    territory = Territory(request, code)
    form, params = _form(request)
    label = params["label"] if params else None
    report = selectors.territory_coverage(territory.codes, label, limit=LEAST_COVERED_LIMIT)
    state = report.state
    proposal = None
    if params and params.get("sites"):
        proposal = selectors.propose_sites(
            territory.codes,
            k=params["sites"],
            threshold=params["seuil"],
            label=label,
            candidates=params["candidats"],
        )
    communes, indices = state.communes, report.indices
    sites = proposal.sites if proposal else []
    if len(indices) > MAX_DOTS:
        svg = grid_map(
            communes.latitude[indices],
            communes.longitude[indices],
            communes.population[indices],
            state.result.minutes[indices],
            sites=sites,
        )
    else:
        newly = None
        if proposal is not None:
            position = {int(row): i for i, row in enumerate(indices)}
            newly = [position[int(r)] for r in proposal.newly_covered if int(r) in position]
        svg = commune_map(
            communes.latitude[indices],
            communes.longitude[indices],
            state.result.band[indices],
            communes.names[indices],
            communes.population[indices],
            sites=sites,
            newly_covered=newly,
        )
    band_counts = []
    for band, band_label in enumerate(BAND_LABELS):
        in_band = state.result.band[indices] == band
        band_counts.append(
            {
                "label": band_label,
                "colour": svg.legend[band]["colour"],
                "communes": int(in_band.sum()),
                "population": int(communes.population[indices][in_band].sum()),
            }
        )
    dep_names = selectors.departement_names(None if territory.national else report.by_departement.keys())
    all_communes = []
    if territory.departement is not None:
        order = indices[(-state.result.minutes[indices]).argsort(kind="stable")]
        all_communes = [selectors.commune_row(state, int(i)) for i in order]
    query = request.GET.urlencode()
    context = {
        "territory": territory,
        "form": form,
        "label_name": selectors.label_name(label),
        "model": state.model,
        "total": report.total,
        "total_shares": [{"minutes": m, "share": round(100 * report.total.share(m), 1)} for m in TIME_BANDS],
        "bands": TIME_BANDS,
        "band_counts": band_counts,
        "by_departement": _indicator_rows(report.by_departement, dep_names),
        "by_region": _indicator_rows(report.by_region, selectors.region_names()) if territory.national else [],
        "least_covered": [selectors.commune_row(state, int(i)) for i in report.least_covered],
        "all_communes": all_communes,
        "svg": svg,
        "proposal": proposal,
        "places_count": len(state.places) if label is None else int(state.places.mask(label).sum()),
        "communes_count": len(indices),
        "csv_communes": f"{territory.url('communes_csv')}?{query}" if query else territory.url("communes_csv"),
        "csv_indicateurs": territory.url("indicateurs_csv") + (f"?{query}" if query else ""),
        "csv_implantations": territory.url("implantations_csv") + f"?{query}" if proposal else "",
        "breadcrumbs": _breadcrumbs(territory),
    }
    return render(request, "lieux/maillage/territoire.html", context)


def _breadcrumbs(territory: Territory) -> list[dict]:
    crumbs = [{"label": "Accueil", "url": "/"}, {"label": "Mon espace", "url": reverse("core:mon_espace")}]
    if territory.code is None:
        crumbs.append({"label": "Maillage territorial"})
    else:
        crumbs.append({"label": "Maillage territorial", "url": reverse("lieux:maillage")})
        crumbs.append({"label": territory.title})
    return crumbs


# --- CSV exports (semicolon-separated, decimal comma, UTF-8 with BOM: what a French spreadsheet expects) --------
def _csv_response(filename: str) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response, delimiter=";")


def _decimal(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}".replace(".", ",")


def communes_csv(request, code: str | None = None):
    territory = Territory(request, code)
    _, params = _form(request)
    label = params["label"] if params else None
    report = selectors.territory_coverage(territory.codes, label, limit=0)
    response, writer = _csv_response(territory.filename("maillage-communes"))
    writer.writerow(
        [
            "Code INSEE",
            "Commune",
            "Code département",
            "Code région",
            "Population",
            "Distance à vol d’oiseau au lieu le plus proche (km)",
            "Temps de trajet estimé (min)",
            "Tranche de temps estimé",
            "Lieu le plus proche",
        ]
    )
    for i in report.indices:
        row = selectors.commune_row(report.state, int(i))
        writer.writerow(
            [
                row["code"],
                row["nom"],
                row["departement"],
                row["region"],
                row["population"],
                _decimal(row["km"], 2),
                _decimal(row["minutes"], 1),
                row["band_label"],
                row["lieu"],
            ]
        )
    return response


def indicateurs_csv(request, code: str | None = None):
    territory = Territory(request, code)
    _, params = _form(request)
    label = params["label"] if params else None
    report = selectors.territory_coverage(territory.codes, label, limit=0)
    names = selectors.departement_names(report.by_departement.keys())
    response, writer = _csv_response(territory.filename("maillage-indicateurs"))
    writer.writerow(
        [
            "Code département",
            "Département",
            "Communes",
            "Population",
            *[f"Part de la population à {m} min ou moins (%)" for m in TIME_BANDS],
            f"Population au-delà de {TIME_BANDS[-1]} min",
            f"Communes au-delà de {TIME_BANDS[-1]} min",
        ]
    )
    for row in _indicator_rows(report.by_departement, names):
        writer.writerow(
            [
                row["code"],
                row["nom"],
                row["communes"],
                row["population"],
                *[_decimal(share) for share in row["shares"]],
                row["beyond_population"],
                row["beyond_communes"],
            ]
        )
    return response


def implantations_csv(request, code: str | None = None):
    territory = Territory(request, code)
    form, params = _form(request)
    if not params or not params.get("sites"):
        message = "Indiquez un nombre de sites valide (de 1 à 200) pour exporter une proposition d’implantation."
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    proposal = selectors.propose_sites(
        territory.codes,
        k=params["sites"],
        threshold=params["seuil"],
        label=params["label"],
        candidates=params["candidats"],
    )
    response, writer = _csv_response(territory.filename("maillage-implantations"))
    seuil = int(proposal.threshold)
    writer.writerow(
        [
            "Rang",
            "Code INSEE",
            "Commune",
            "Code département",
            "Population de la commune",
            f"Population nouvellement à {seuil} min ou moins (estimation)",
            "Cumul",
        ]
    )
    for site in proposal.sites:
        writer.writerow(
            [
                site["rank"],
                site["code"],
                site["nom"],
                site["departement"],
                site["population"],
                site["gain"],
                site["cumulative"],
            ]
        )
    return response
