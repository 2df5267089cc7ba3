"""Logging in and passwords: throttling, audit, reset e-mails. No password ever reaches the audit log."""

from __future__ import annotations

from django.contrib.auth import authenticate

from cnfs.core import throttling
from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services import audit_log, client_ip

LOGIN_INVALID = "Adresse électronique ou mot de passe incorrect."
# Same words whether or not the account exists, and whichever limit (account or address) was reached.
LOGIN_THROTTLED = (
    "Trop de tentatives de connexion infructueuses. Par sécurité, les connexions sont suspendues pendant "
    "quelques minutes : patientez avant de réessayer, ou réinitialisez votre mot de passe."
)


def _user_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first() if email else None


def login_authenticate(*, request, email: str, password: str) -> User:
    """Check e-mail and password, refusing every attempt once the account or the address failed too often.

    Failures are counted per account (even a non-existent one, so that the answer reveals nothing) and per IP
    address, in the cache, for `LOGIN_FAILURE_WINDOW_SECONDS`. A success clears the account's counter, not the
    address's: one valid account must not let an attacker keep guessing others from the same address.
    Every outcome is written to the audit log (without the password).
    """
    email = throttling.normalize_email(email)
    ip = client_ip(request)
    per_account, per_ip = throttling.login_account_limit(), throttling.login_ip_limit()

    if per_account.exceeded(email) or per_ip.exceeded(ip):
        # One audit line per blocked account and window, not one per attempt of a flood.
        if per_account.first_time(email) | per_ip.first_time(ip):
            audit_log(
                actor=None,
                action="auth.login_throttled",
                target=_user_for_email(email),
                after={"email": email[:254], "account_failures": per_account.count(email)},
                request=request,
            )
        raise DomainError(LOGIN_THROTTLED, code="throttled")

    user = authenticate(request, username=email, password=password)
    if user is None:
        failures = per_account.hit(email)
        per_ip.hit(ip)
        audit_log(
            actor=None,
            action="auth.login_failed",
            target=_user_for_email(email),
            after={"email": email[:254], "account_failures": failures},
            request=request,
        )
        raise DomainError(LOGIN_INVALID, code="invalid_login")

    per_account.reset(email)
    audit_log(actor=user, action="auth.login", target=user, request=request)
    return user


def logout_record(*, user: User | None, request) -> None:
    if user is not None and user.is_authenticated:
        audit_log(actor=user, action="auth.logout", target=user, request=request)


def password_changed(*, user: User, request, reset: bool) -> None:
    """Record a password change (from "Mon compte") or reset (from an e-mailed link) and lift the login lock."""
    throttling.login_account_limit().reset(throttling.normalize_email(user.email))
    audit_log(
        actor=user, action="auth.password_reset" if reset else "auth.password_change", target=user, request=request
    )


def password_reset_allowed(*, email: str, request) -> bool:
    """Count one reset request; False once this address or this IP asked too often (the page says nothing)."""
    email = throttling.normalize_email(email)
    ip = client_ip(request)
    per_account, per_ip = throttling.password_reset_account_limit(), throttling.password_reset_ip_limit()
    if per_account.exceeded(email) or per_ip.exceeded(ip):
        if per_account.first_time(email) | per_ip.first_time(ip):
            audit_log(
                actor=None,
                action="auth.password_reset_throttled",
                target=_user_for_email(email),
                after={"email": email[:254]},
                request=request,
            )
        return False
    per_account.hit(email)
    per_ip.hit(ip)
    return True


def password_reset_link_sent(*, user: User, request) -> None:
    audit_log(actor=None, action="auth.password_reset_request", target=user, request=request)
