"""National space (`/pass-numerique/national/`) and qualification reviews (national team, and buyers for the
places of their territory). The money pages of the national space sit beside these, under `national/…`."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.core.errors import DomainError
from cnfs.passnum import permissions, selectors, services
from cnfs.passnum.enums import StatutQualification
from cnfs.passnum.forms import DecisionForm
from cnfs.passnum.models import LieuQualifie
from cnfs.passnum.views._helpers import crumbs, paginate
from cnfs.recrutement.forms import attach_error


def accueil(request):
    """The pass numérique's landing page: one card per space the user holds."""
    user = request.user
    spaces = []
    if permissions.commanditaire_ids(user) or permissions.is_national(user):
        spaces.append(
            (
                "Mes commandes",
                "Commander des carnets, les émettre, les remettre aux distributeurs.",
                reverse("passnum:commanditaire"),
            )
        )
    if permissions.distributeur_ids(user):
        spaces.append(
            ("Carnets à distribuer", "Les carnets reçus et leur distribution.", reverse("passnum:distributeur"))
        )
    if permissions.lieu_ids(user):
        spaces.append(("Mon lieu", "Qualification du lieu et encaissement des chèques.", reverse("passnum:lieu")))
    if permissions.can_review_any_qualification(user):
        spaces.append(
            ("Qualification des lieux", "Instruire les demandes des lieux.", reverse("passnum:qualifications"))
        )
    if permissions.is_national(user):
        spaces.append(("Espace national", "Suivi national du pass numérique.", reverse("passnum:national")))
    return render(request, "passnum/accueil.html", {"spaces": spaces, "breadcrumbs": crumbs()})


@permissions.national_required
def espace(request):
    return render(
        request,
        "passnum/national/espace.html",
        {"counts": selectors.national_counts(), "breadcrumbs": crumbs(("Espace national", None))},
    )


@permissions.reviewer_required
def qualifications(request):
    statut = request.GET.get("statut", StatutQualification.DEMANDEE)
    if statut not in StatutQualification.values:
        statut = StatutQualification.DEMANDEE
    return render(
        request,
        "passnum/national/qualifications.html",
        {
            "qualifications": paginate(request, selectors.qualifications_for_review(request.user, statut)),
            "statut": statut,
            "statuts": StatutQualification.choices,
            "breadcrumbs": crumbs(("Qualification des lieux", None)),
        },
    )


@permissions.reviewer_required
def qualification_detail(request, pk):
    qualification = get_object_or_404(
        LieuQualifie.objects.select_related("lieu__commune__departement", "lieu__commune__region", "reviewed_by"),
        pk=pk,
    )
    if not permissions.can_review_qualification(request.user, qualification):
        raise Http404("Demande introuvable.")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_decider(
                actor=request.user, qualification=qualification, request=request, **form.cleaned_data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Décision enregistrée.")
            return redirect("passnum:qualifications")
    return render(
        request,
        "passnum/national/qualification.html",
        {
            "qualification": qualification,
            "form": form,
            "breadcrumbs": crumbs(
                ("Qualification des lieux", reverse("passnum:qualifications")), (qualification.lieu.nom, None)
            ),
        },
    )
