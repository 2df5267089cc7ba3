"""The revocation attestation PDF of a mandate (ac-life), downloadable from the mandate page once revoked."""

from django.http import Http404, HttpResponse

from cnfs.aidants.attestation import pdf_sha256
from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.revocation import revocation_entry, revocation_pdf
from cnfs.aidants.services.journal import journal_append
from cnfs.aidants.views.aidant import _mandat_or_404


def revocation_pdf_view(request, pk):
    mandat = _mandat_or_404(request, pk)  # 404 outside the mandate's organisation
    if mandat.revoked_at is None:
        raise Http404("Ce mandat n’est pas révoqué.")
    entry = revocation_entry(mandat)
    content = revocation_pdf(mandat, entry)
    journal_append(
        action=ActionJournal.REVOCATION_CONSULTEE,
        actor=request.user,
        organisation=mandat.organisation_id,
        usager=mandat.usager,
        mandat=mandat,
        payload={"pdf_sha256": pdf_sha256(content), "revocation": entry.seq if entry else None},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="revocation-mandat-{mandat.pk}.pdf"'
    return response
