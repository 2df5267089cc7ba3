"""Candidate space: one's own application (profile and CV) and the structures in relation with them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required
from cnfs.recrutement import selectors, services
from cnfs.recrutement.forms import CandidatureForm, attach_error
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.services.candidatures import EDITABLE_FIELDS
from cnfs.recrutement.views._helpers import crumbs


@role_required(Role.CANDIDAT)
def profil(request):
    """Create or edit the logged-in person's own application: no identifier in the URL, nobody else's to reach."""
    candidature = Candidature.objects.select_related("commune").filter(user=request.user).first()
    initial = {}
    if candidature is not None:
        initial = {name: getattr(candidature, name) for name in EDITABLE_FIELDS if name != "commune"}
        initial["commune"] = candidature.commune.code
    else:
        initial = {"email": request.user.email, "prenom": request.user.first_name, "nom": request.user.last_name}
    form = CandidatureForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        cv = request.FILES.get("cv")
        try:
            if candidature is None:
                services.candidature_create(actor=request.user, user=request.user, cv=cv, request=request, **data)
            else:
                services.candidature_update(
                    actor=request.user, candidature=candidature, cv=cv, request=request, **data
                )
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Votre candidature est enregistrée.")
            return redirect("recrutement:candidature_profil")
    mises_en_relation = (
        candidature.mises_en_relation.select_related("structure__commune").exclude(statut="nouvelle")
        if candidature
        else []
    )
    return render(
        request,
        "recrutement/candidat/profil.html",
        {
            "candidature": candidature,
            "form": form,
            "mises_en_relation": mises_en_relation,
            "unread": selectors.unread_messages_count(candidature) if candidature else 0,
            "breadcrumbs": crumbs(("Ma candidature", None)),
        },
    )


def _own_candidature(request) -> Candidature | None:
    return Candidature.objects.select_related("commune__departement").filter(user=request.user).first()


@role_required(Role.CANDIDAT)
def structures(request):
    """Structures still recruiting within the candidate's own travel radius, nearest first."""
    candidature = _own_candidature(request)
    if candidature is None:
        messages.info(request, "Déposez d’abord votre candidature : la liste dépend de votre commune.")
        return redirect("recrutement:candidature_profil")
    total, nearby = selectors.structures_near(candidature)
    return render(
        request,
        "recrutement/candidat/structures.html",
        {
            "candidature": candidature,
            "total": total,
            "nearby": nearby,
            "breadcrumbs": crumbs(
                ("Ma candidature", reverse("recrutement:candidature_profil")), ("Structures qui recrutent", None)
            ),
        },
    )


@role_required(Role.CANDIDAT)
def boite(request):
    """Messages from the structures that pre-selected the candidate; opening the page marks them read."""
    candidature = _own_candidature(request)
    if candidature is None:
        messages.info(request, "Vous n’avez pas encore de candidature, donc pas de message.")
        return redirect("recrutement:candidature_profil")
    received = list(selectors.messages_of_candidature(candidature))
    if any(not m.lu for m in received):
        services.messages_mark_read(actor=request.user, candidature=candidature)
    return render(
        request,
        "recrutement/candidat/messages.html",
        {
            "candidature": candidature,
            "received": received,  # read state as it was before this visit: new ones stay marked "nouveau"
            "breadcrumbs": crumbs(
                ("Ma candidature", reverse("recrutement:candidature_profil")), ("Mes messages", None)
            ),
        },
    )
