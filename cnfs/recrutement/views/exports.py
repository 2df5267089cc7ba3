"""Export pages: the recruitment tables a person may see, as a page, a CSV and an XLSX file with the same rows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cnfs.recrutement import exports
from cnfs.recrutement.views._helpers import crumbs

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dataset_or_403(request, slug: str) -> exports.Dataset:
    dataset = exports.DATASETS.get(slug)
    if dataset is None:
        raise Http404("Tableau inconnu.")
    if not dataset.allowed(request.user):
        raise PermissionDenied("Votre rôle ne permet pas d’exporter ce tableau.")
    return dataset


def index(request):
    datasets = exports.datasets_for(request.user)
    if not datasets:
        raise PermissionDenied("Votre rôle ne permet pas d’exporter les tableaux du recrutement.")
    rows = [(d, d.rows(request.user).count()) for d in datasets]
    return render(
        request,
        "recrutement/exports/index.html",
        {"rows": rows, "breadcrumbs": crumbs(("Exports du recrutement", None))},
    )


def table(request, slug):
    dataset = _dataset_or_403(request, slug)
    page = Paginator(dataset.rows(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recrutement/exports/table.html",
        {
            "dataset": dataset,
            "page": page,
            "lines": [[exports.as_text(v) for v in dataset.values(obj)] for obj in page.object_list],
            "breadcrumbs": crumbs(
                ("Exports du recrutement", reverse("recrutement:export_index")),
                (dataset.title, None),
            ),
        },
    )


def _filename(dataset: exports.Dataset, ext: str) -> str:
    return f"recrutement-{dataset.slug}-{timezone.localdate():%Y-%m-%d}.{ext}"


def download(request, slug, fmt):
    dataset = _dataset_or_403(request, slug)
    queryset = dataset.rows(request.user)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(dataset, queryset), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.xlsx_bytes(dataset, queryset), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(dataset, fmt)}"'
    return response
