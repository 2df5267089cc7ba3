from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite


class CnfsAdminSite(OTPAdminSite):
    """Back-office for staff whose session confirmed a second factor (django-otp's `OTPAdminSite`).

    There is one login page for the whole platform (with its throttling and audit): the admin's own login form
    only sends people there.
    """

    site_header = "Administration de cnfs"
    site_title = "Administration de cnfs"
    index_title = "Back-office du programme"

    def __init__(self, name="admin"):
        super().__init__(name)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, reverse("core:login"))
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        raise PermissionDenied("Votre compte n’a pas accès à l’administration.")
