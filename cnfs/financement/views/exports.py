"""CSV and XLSX downloads of conventions and instalments, limited to what the user may see."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from cnfs.financement import exports, permissions, selectors
from cnfs.financement.views._helpers import require

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = {
    "conventions": ("Conventions", exports.CONVENTION_COLUMNS, selectors.conventions_for, exports.convention_rows),
    "versements": ("Versements", exports.VERSEMENT_COLUMNS, selectors.versements_for, exports.versement_rows),
}


def export(request, table, fmt):
    """Anyone who may list conventions (national team, prefectures, hubs, structures for their own) gets their rows."""
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("Export inconnu.")
    require(
        permissions.can_view_territoire(request.user)
        or bool(permissions.recrutement_permissions.managed_structure_ids(request.user))
    )
    title, columns, select, rows_of = TABLES[table]
    departement = request.GET.get("departement") or None
    rows = rows_of(select(request.user, departement=departement))
    filename = f"{table}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.xlsx_bytes(title, columns, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
