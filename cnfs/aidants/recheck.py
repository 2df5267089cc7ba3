"""Re-check of the TOTP after 15 minutes of inactivity before any act of an aidant (ac-life).

The session keeps the time of the aidant's last act or TOTP verification; the login itself counts (it is
followed by the second factor before any aidant page is reachable). `totp_recent_required` wraps the act views
(mandate create / renew / revoke, authorisation revoke, use by an online service): when that time is older than
`AIDANTS_TOTP_RECHECK_MINUTES` (15), the aidant is sent to the re-check page, then back to `next`. Each act that
goes through refreshes the time (the window slides with activity).
"""

from __future__ import annotations

import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from cnfs.aidants.permissions import current_aidant

SESSION_KEY = "aidants_totp_verifie_le"


def recheck_delay() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "AIDANTS_TOTP_RECHECK_MINUTES", 15)))


def last_check(request) -> datetime.datetime | None:
    """The latest of the session's last act/verification and the login."""
    moments = []
    stamp = request.session.get(SESSION_KEY)
    if isinstance(stamp, int | float):
        moments.append(datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC))
    if request.user.last_login is not None:
        moments.append(request.user.last_login)
    return max(moments) if moments else None


def is_fresh(request) -> bool:
    last = last_check(request)
    return last is not None and timezone.now() - last < recheck_delay()


def touch(request) -> None:
    request.session[SESSION_KEY] = timezone.now().timestamp()


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def recheck_url(next_url: str) -> str:
    return f"{reverse('aidants:totp_reverifier')}?{urlencode({'next': next_url})}"


def totp_recent_required(view):
    """For aidants only (other users go through to the view's own permission checks)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if current_aidant(request.user) is None:
            return view(request, *args, **kwargs)
        if not is_fresh(request):
            if request.method == "GET":
                next_url = request.get_full_path()
            else:  # a POST cannot be replayed after the redirect: back to the page it came from
                referer = request.headers.get("referer", "")
                ok = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
                next_url = referer if ok and referer else reverse("aidants:aidant_espace")
            messages.info(
                request,
                "Pour votre sécurité, saisissez un nouveau code à 6 chiffres : plus de "
                f"{int(recheck_delay().total_seconds() // 60)} minutes se sont écoulées depuis votre dernier acte.",
            )
            return redirect(recheck_url(next_url))
        response = view(request, *args, **kwargs)
        if response.status_code < 400:
            touch(request)
        return response

    return wrapper
