"""Dashboards (by role and scope), their CSV/XLSX/PDF exports, and the public national statistics page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from cnfs.pilotage import exports
from cnfs.pilotage.charts import chart_for
from cnfs.pilotage.forms import resolve_filters
from cnfs.pilotage.permissions import NATIONAL, dashboard_scope
from cnfs.pilotage.selectors import dashboard_figures, public_secret

PUBLIC_SECTIONS = (
    "chiffres_cles",
    "mensuel",
    "themes",
    "types",
    "canaux",
    "ages",
    "situations",
    "orientations",
    "departements",
)


def _scope(request):
    scope = dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied(
            "Le tableau de bord est réservé aux conseillers, structures, préfectures, hubs et à l’équipe nationale."
        )
    return scope


def _names(form, filters) -> dict[str, str]:
    """Readable names of the chosen filters (for the outputs' context lines)."""
    names = {}
    if filters is None:
        return names
    if filters.departement:
        names["departement"] = form.departements.get(filters.departement, filters.departement)
    for key, value in (("structure", filters.structure_id), ("conseiller", filters.conseiller_id)):
        if value is None:
            continue
        field = form.fields.get(key)
        choices = dict(getattr(field, "choices", []) or [])
        names[key] = str(choices.get(value, f"n° {value}"))
    if filters.theme:
        names["theme"] = str(dict(form.fields["theme"].choices).get(filters.theme, filters.theme))
    return names


def _sections_with_charts(figures):
    return [
        {
            "section": s,
            "chart": chart_for(s),
            "id": f"rubrique-{s.key}",
            "rows": [(line.libelle, [exports.number_text(v) for v in line.valeurs]) for line in s.lignes],
        }
        for s in figures.sections
    ]


def tableau_de_bord(request):
    scope = _scope(request)
    form, filters = resolve_filters(request.GET, scope)
    context = {"form": form, "scope": scope, "figures": None, "query": request.GET.urlencode()}
    if filters is None:
        return render(request, "pilotage/tableau_de_bord.html", context, status=400)
    figures = dashboard_figures(scope, filters)
    context.update(
        figures=figures,
        sections=_sections_with_charts(figures),
        contexte=exports.context_lines(figures, _names(form, filters)),
        exports=[
            ("CSV", reverse("pilotage:export_csv")),
            ("XLSX", reverse("pilotage:export_xlsx")),
            ("PDF", reverse("pilotage:rapport_pdf")),
        ],
    )
    return render(request, "pilotage/tableau_de_bord.html", context)


def _export(request, build, content_type: str, extension: str):
    scope = _scope(request)
    form, filters = resolve_filters(request.GET, scope)
    if filters is None:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(f"Filtres invalides : {errors}", status=400, content_type="text/plain; charset=utf-8")
    figures = dashboard_figures(scope, filters)
    response = HttpResponse(build(figures, _names(form, filters)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="tableau-de-bord-activite.{extension}"'
    return response


def export_csv(request):
    return _export(request, exports.csv_bytes, "text/csv; charset=utf-8", "csv")


def export_xlsx(request):
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _export(request, exports.xlsx_bytes, mime, "xlsx")


def rapport_pdf(request):
    return _export(request, exports.pdf_bytes, "application/pdf", "pdf")


def public_figures(filters):
    """National figures for everyone: activity sections only; a département with too few advisors stays secret."""
    if public_secret(filters):
        return None
    figures = dashboard_figures(NATIONAL, filters, funnel=False, coverage=False)
    figures.sections = [s for s in figures.sections if s.key in PUBLIC_SECTIONS]
    return figures


@login_not_required
def statistiques(request):
    form, filters = resolve_filters(request.GET, NATIONAL, public=True)
    context = {"form": form, "figures": None, "secret": False}
    if filters is None:
        return render(request, "pilotage/statistiques.html", context, status=400)
    figures = public_figures(filters)
    context["secret"] = figures is None
    if figures is not None:
        context.update(figures=figures, sections=_sections_with_charts(figures))
    return render(request, "pilotage/statistiques.html", context)
