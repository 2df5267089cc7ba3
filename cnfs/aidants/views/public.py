"""Public pages: the organisation's habilitation request."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from cnfs.aidants import services
from cnfs.aidants.forms import DemandeHabilitationForm
from cnfs.core.errors import DomainError
from cnfs.recrutement.forms import attach_error


@login_not_required
def demande_create(request):
    form = DemandeHabilitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_submit(data=form.cleaned_data, request=request)
        except DomainError as error:
            attach_error(form, error)
        else:
            return redirect("aidants:demande_envoyee")
    return render(request, "aidants/public/demande.html", {"form": form})


@login_not_required
def demande_envoyee(request):
    return render(request, "aidants/public/demande_envoyee.html")


@login_not_required
def demande_confirmer(request, token):
    """The link of the confirmation e-mail (ac-life)."""
    from cnfs.aidants.services.confirmation import demande_confirm_email

    try:
        demande = demande_confirm_email(token=token, request=request)
    except DomainError as error:
        return render(request, "aidants/public/demande_confirmee.html", {"error": error.message, "demande": None})
    return render(request, "aidants/public/demande_confirmee.html", {"error": "", "demande": demande})
