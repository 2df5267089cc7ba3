"""An advisor's own training record (no identifier in the URL), and the record of one trainee for the
organisations that train them and the national team."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.formation import permissions, selectors, services
from cnfs.formation.enums import TITRE_PROFESSIONNEL
from cnfs.formation.forms import VaeRequestForm, attach_error
from cnfs.formation.views._helpers import crumbs
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.services.etapes import ETAPES_DU_PARCOURS


@role_required(Role.CONSEILLER, Role.CANDIDAT)
@require_http_methods(["GET", "POST"])
def mon_parcours(request):
    candidature = Candidature.objects.filter(user=request.user).first()
    form = None
    if candidature is not None and candidature.etape in ETAPES_DU_PARCOURS:
        form = VaeRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.vae_request(actor=request.user, candidature=candidature, request=request, **form.cleaned_data)
            except DomainError as error:
                attach_error(form, error)
            else:
                messages.success(request, "Votre demande de VAE est déposée.")
                return redirect("formation:mon_parcours")
    return render(
        request,
        "formation/conseiller/parcours.html",
        {
            "record": selectors.training_record(candidature) if candidature else None,
            "own": True,
            "titre": TITRE_PROFESSIONNEL,
            "form": form,
            "breadcrumbs": crumbs(("Ma formation", None)),
        },
    )


@role_required(Role.FORMATION)
def stagiaire(request, pk):
    candidature = get_object_or_404(Candidature, pk=pk)
    if not permissions.can_view_training_record(request.user, candidature):
        raise Http404("Conseiller introuvable.")
    return render(
        request,
        "formation/conseiller/parcours.html",
        {
            "record": selectors.training_record(candidature),
            "own": False,
            "titre": TITRE_PROFESSIONNEL,
            "form": None,
            "breadcrumbs": crumbs(("Formation", None), (str(candidature), None)),
        },
    )
