from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin

from cnfs.core.services.otp import has_confirmed_totp

SECOND_FACTOR_API_MESSAGE = (
    "Double authentification requise : confirmez votre code à usage unique dans l’interface web avant "
    "d’utiliser l’API."
)


def second_factor_not_required(view):
    """Mark a view reachable before the second factor is confirmed (the 2FA pages themselves, logout)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.second_factor_required = False
    return wrapper


def second_factor_state(user) -> str:
    """ "verified", "verify" (a device exists, no code yet this session), "enrol" (required, no device) or "ok".

    Anyone who activated an application must confirm a code, whatever their roles: activating it was a choice.
    """
    if not user.is_authenticated:
        return "ok"
    if user.is_verified():
        return "verified"
    if has_confirmed_totp(user):
        return "verify"
    if user.requires_2fa:
        return "enrol"
    return "ok"


class SecondFactorRequiredMiddleware(MiddlewareMixin):
    """Sends users whose role requires 2FA to enrol or confirm a TOTP code before anything else.

    Public pages (`login_not_required`), the 2FA pages and logout (`second_factor_not_required`) and static files
    stay reachable. API calls get a 403 JSON answer instead of a redirect. Runs after `OTPMiddleware`, which sets
    `request.user.is_verified()` from the session.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        # The API is checked whatever the endpoint: a session that has not confirmed its code must not use it.
        is_api = path.startswith("/api/")
        if not is_api and not getattr(view_func, "login_required", True):
            return None
        if not getattr(view_func, "second_factor_required", True) or path.startswith(settings.STATIC_URL):
            return None
        state = second_factor_state(request.user)
        if state in ("ok", "verified"):
            return None
        if is_api:
            return JsonResponse({"detail": SECOND_FACTOR_API_MESSAGE}, status=403)
        target = reverse("core:otp_verify" if state == "verify" else "core:otp_enrol")
        if request.method in ("GET", "HEAD"):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(target)


class PermissionsPolicyMiddleware:
    """Adds a Permissions-Policy header: the platform uses no camera, microphone or payment API."""

    header = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
