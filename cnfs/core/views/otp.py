"""Second factor pages: enrolment (QR code), verification after login, backup codes, device removal."""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from cnfs.core import forms
from cnfs.core.errors import DomainError
from cnfs.core.middleware import second_factor_not_required, second_factor_state
from cnfs.core.services import otp as otp_services

HOME = {"label": "Accueil", "url": "/"}


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _breadcrumbs(label: str) -> list[dict]:
    return [HOME, {"label": "Mon compte", "url": reverse("core:mon_compte")}, {"label": label}]


def _qr_svg(device) -> str:
    qr = segno.make(device.config_url, error="m", micro=False)
    # Our own SVG markup from segno (no user input inside); dark on white so it scans in the dark theme too.
    return mark_safe(  # noqa: S308
        qr.svg_inline(
            scale=5,
            dark="#000",
            light="#fff",
            svgclass="cnfs-qr",
            title="QR code à scanner avec votre application d’authentification",
        )
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@sensitive_post_parameters("code")
@second_factor_not_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    user = request.user
    next_url = _next_url(request, reverse("core:mon_espace"))
    # Exempt from the middleware so that enrolment is reachable, hence this guard: someone holding only the
    # password must not add their own application to an account that already has one.
    if second_factor_state(user) == "verify":
        return redirect(_with_next("core:otp_verify", request.get_full_path()))
    device = otp_services.totp_device_pending(user=user)
    form = forms.OTPEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp_services.totp_device_confirm(
                user=user, device_id=device.pk, code=form.cleaned_data["code"], request=request
            )
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            messages.success(request, "La double authentification est activée sur votre compte.")
            return redirect(_with_next("core:otp_backup_codes", next_url))
    return render(
        request,
        "core/otp_enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": _qr_svg(device),
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "required": user.requires_2fa,
            "breadcrumbs": _breadcrumbs("Activer la double authentification"),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@second_factor_not_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    user = request.user
    next_url = _next_url(request, reverse("core:mon_espace"))
    state = second_factor_state(user)
    if state == "enrol":
        return redirect(_with_next("core:otp_enrol", next_url))
    if state != "verify":
        return redirect(next_url)
    form = forms.OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp_services.otp_verify(user=user, code=form.cleaned_data["code"], request=request)
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            # A new session key for the stronger session, as for the login itself.
            request.session.cycle_key()
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = otp_services.backup_codes_left(user)
                messages.warning(
                    request,
                    f"Vous avez utilisé un code de secours : il vous en reste {left}. "
                    "Générez-en de nouveaux depuis « Mon compte » si besoin.",
                )
            return redirect(next_url)
    return render(
        request,
        "core/otp_verify.html",
        {"form": form, "next": next_url, "breadcrumbs": [HOME, {"label": "Vérification en deux étapes"}]},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def otp_backup_codes(request):
    """GET: how many codes are left. POST: a new set, shown on this response only (never stored in clear again)."""
    user = request.user
    codes = None
    if request.method == "POST":
        try:
            codes = otp_services.backup_codes_generate(user=user, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("core:mon_compte")
    return render(
        request,
        "core/otp_backup_codes.html",
        {
            "codes": codes,
            "left": otp_services.backup_codes_left(user),
            "has_device": otp_services.has_confirmed_totp(user),
            "next": _next_url(request, reverse("core:mon_compte")),
            "breadcrumbs": _breadcrumbs("Codes de secours"),
        },
    )


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def otp_device_remove(request, pk: int):
    devices = {d.pk: d for d in otp_services.totp_devices(request.user)}
    device = devices.get(pk)
    if device is None:
        raise Http404("Cet appareil n’existe pas ou a déjà été supprimé.")
    form = forms.PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp_services.totp_device_remove_own(
                user=request.user, device_id=pk, password=form.cleaned_data["password"], request=request
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"L’appareil « {device.name} » a été supprimé.")
            return redirect("core:mon_compte")
    return render(
        request,
        "core/otp_device_remove.html",
        {
            "form": form,
            "device": device,
            "last": len(devices) == 1,
            "required": request.user.requires_2fa,
            "breadcrumbs": _breadcrumbs("Supprimer un appareil"),
        },
    )
