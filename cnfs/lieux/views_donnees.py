"""Open data: the places as a CSV file of the national schema v1.0.1, public and streamed."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from cnfs.lieux.exports import csv_lines
from cnfs.lieux.selectors import lieux_public, parse_filters


@login_not_required
@require_GET
def lieux_csv(request):
    """Every place (or those matching the API's filters), columns in schema order, UTF-8, `|` lists."""
    filters = parse_filters(request.GET)
    queryset = lieux_public(filters)
    if filters.errors:
        return HttpResponseBadRequest(" ".join(filters.errors), content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lieux-mediation-numerique.csv"'
    return response
