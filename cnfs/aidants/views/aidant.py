"""Aidant space: usagers with active mandates, mandate creation, renewal, revocation, attestation, own journal."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.aidants import franceconnect, permissions, selectors, services
from cnfs.aidants.consentement import CONSENTEMENT_VERSION, consentement_lines
from cnfs.aidants.enums import ActionJournal, DureeMandat
from cnfs.aidants.forms import MandatForm, RenouvellementForm
from cnfs.aidants.models import Autorisation, Mandat
from cnfs.aidants.permissions import aidant_required, current_aidant
from cnfs.aidants.recheck import totp_recent_required
from cnfs.aidants.views import franceconnect as franceconnect_views
from cnfs.aidants.views._helpers import crumbs, paginate
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement.forms import attach_error

ESPACE = ("Mes usagers et mandats", "aidants:aidant_espace")


def _espace_crumb():
    return ESPACE[0], reverse(ESPACE[1])


def _mandat_or_404(request, pk) -> Mandat:
    """The mandate if it belongs to the aidant's current organisation; 404 otherwise, so others learn nothing."""
    mandat = selectors.mandat_detail(pk)
    if mandat is None or not permissions.can_view_mandat(request.user, mandat):
        raise Http404("Mandat introuvable.")
    return mandat


@role_required(Role.AIDANT)
@aidant_required
def espace(request):
    aidant = current_aidant(request.user)
    return render(
        request,
        "aidants/aidant/espace.html",
        {
            "organisation": aidant.organisation,
            "mandats": paginate(request, selectors.mandats_actifs(aidant.organisation_id)),
            "breadcrumbs": crumbs((ESPACE[0], None)),
        },
    )


@role_required(Role.AIDANT)
@aidant_required
@totp_recent_required
def mandat_create(request):
    if franceconnect.is_configured():  # the usager signs in with FranceConnect: nothing typed by the aidant
        return franceconnect_views.mandat_start(request)
    aidant = current_aidant(request.user)
    organisation = aidant.organisation
    form = MandatForm(request.POST or None, allowed=organisation.demarches_autorisees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # FranceConnect is not configured (demo): the identity typed by the aidant, labelled as such on the page.
        claims = services.claims_from_aidant_form(
            given_name=data["given_name"], family_name=data["family_name"], birthdate=data["birthdate"]
        )
        try:
            mandat = services.mandat_create(
                aidant_user=request.user,
                claims=claims,
                demarches=data["demarches"],
                duree=data["duree"],
                totp_code=data["totp"],
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Mandat créé pour {mandat.usager}.")
            return redirect("aidants:mandat", pk=mandat.pk)
    return render(
        request,
        "aidants/aidant/mandat_form.html",
        {
            "form": form,
            "organisation": organisation,
            "consentement": consentement_lines(
                CONSENTEMENT_VERSION,
                organisation=organisation.nom,
                demarches="les démarches cochées ci-dessous",
                duree="la durée choisie ci-dessous",
                fin="jour indiqué sur l’attestation",
            ),
            "breadcrumbs": crumbs(_espace_crumb(), ("Nouveau mandat", None)),
        },
    )


def mandat_detail(request, pk):
    mandat = _mandat_or_404(request, pk)
    open_ = mandat.revoked_at is None
    return render(
        request,
        "aidants/aidant/mandat.html",
        {
            "mandat": mandat,
            "autorisations": list(mandat.autorisations.all()),
            "can_renew": open_ and permissions.is_aidant_of(request.user, mandat.organisation_id),
            "can_revoke": open_ and permissions.can_act_on_mandat(request.user, mandat),
            "renew_form": RenouvellementForm(),
            "breadcrumbs": crumbs(_espace_crumb(), (f"Mandat n° {mandat.pk}", None)),
        },
    )


@role_required(Role.AIDANT)
@aidant_required
@totp_recent_required
def mandat_renew(request, pk):
    mandat = _mandat_or_404(request, pk)
    form = RenouvellementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            renewed = services.mandat_renew(
                aidant_user=request.user,
                mandat=mandat,
                duree=form.cleaned_data["duree"],
                totp_code=form.cleaned_data["totp"],
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Mandat renouvelé.")
            return redirect("aidants:mandat", pk=renewed.pk)
    return render(
        request,
        "aidants/aidant/renouvellement.html",
        {
            "mandat": mandat,
            "form": form,
            "breadcrumbs": crumbs(
                _espace_crumb(),
                (f"Mandat n° {mandat.pk}", reverse("aidants:mandat", args=[mandat.pk])),
                ("Renouveler", None),
            ),
        },
    )


@require_POST
@totp_recent_required
def mandat_revoke(request, pk):
    mandat = _mandat_or_404(request, pk)
    try:
        services.mandat_revoke(actor=request.user, mandat=mandat)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Mandat révoqué : plus aucun aidant ne peut agir avec lui.")
    return redirect("aidants:mandat", pk=mandat.pk)


@require_POST
@totp_recent_required
def autorisation_revoke(request, pk):
    autorisation = get_object_or_404(Autorisation.objects.select_related("mandat__usager"), pk=pk)
    mandat = _mandat_or_404(request, autorisation.mandat_id)
    try:
        services.autorisation_revoke(actor=request.user, autorisation=autorisation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Autorisation « {autorisation.get_demarche_display()} » révoquée.")
    return redirect("aidants:mandat", pk=mandat.pk)


def attestation(request, pk):
    """Printable attestation of the mandate: its facts, the frozen consent text and the journal's fingerprint."""
    mandat = _mandat_or_404(request, pk)
    autorisations = list(mandat.autorisations.all())
    entry = selectors.mandat_creation_entry(mandat)
    labels = ", ".join(a.get_demarche_display() for a in autorisations)
    return render(
        request,
        "aidants/aidant/attestation.html",
        {
            "mandat": mandat,
            "autorisations": autorisations,
            "entry": entry,
            "consentement": consentement_lines(
                mandat.consentement_version,
                organisation=mandat.organisation.nom,
                demarches=labels,
                duree=DureeMandat(mandat.duree).label,
                fin=f"{mandat.fin:%d/%m/%Y}",
            ),
            "breadcrumbs": crumbs(
                _espace_crumb(),
                (f"Mandat n° {mandat.pk}", reverse("aidants:mandat", args=[mandat.pk])),
                ("Attestation", None),
            ),
        },
    )


def attestation_pdf(request, pk):
    """The attestation as a reproducible PDF; each download is journaled with the document's SHA-256."""
    from cnfs.aidants.attestation import attestation_pdf as render_pdf
    from cnfs.aidants.attestation import pdf_sha256

    mandat = _mandat_or_404(request, pk)
    content = render_pdf(mandat, selectors.mandat_creation_entry(mandat))
    services.journal_append(
        action=ActionJournal.ATTESTATION_CONSULTEE,
        actor=request.user,
        organisation=mandat.organisation_id,
        usager=mandat.usager,
        mandat=mandat,
        payload={"pdf_sha256": pdf_sha256(content)},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-mandat-{mandat.pk}.pdf"'
    return response


@role_required(Role.AIDANT)
def journal(request):
    return render(
        request,
        "aidants/aidant/journal.html",
        {
            "page": paginate(request, selectors.journal_of_actor(request.user.pk), size=50),
            "breadcrumbs": crumbs(("Mon journal", None)),
        },
    )
