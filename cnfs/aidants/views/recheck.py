"""The TOTP re-check page of aidants (ac-life): a fresh code, then back to the act they were doing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from cnfs.aidants.forms_totp import CodeForm
from cnfs.aidants.permissions import aidant_required
from cnfs.aidants.recheck import safe_next
from cnfs.aidants.services.totp_recheck import totp_recheck
from cnfs.aidants.views._helpers import crumbs
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.permissions import role_required


@never_cache
@sensitive_post_parameters("code")
@role_required(Role.AIDANT)
@aidant_required
def reverifier(request):
    next_url = safe_next(request, reverse("aidants:aidant_espace"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_recheck(request=request, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, "Code vérifié : vous pouvez poursuivre.")
            return redirect(next_url)
    return render(
        request,
        "aidants/aidant/reverifier.html",
        {"form": form, "next": next_url, "breadcrumbs": crumbs(("Vérification du code", None))},
    )
