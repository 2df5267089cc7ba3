"""Second factor (TOTP with django-otp, plus single-use backup codes): enrolment, verification, removal.

A TOTP code is accepted once only (django-otp keeps the time step of the last accepted code) and failed attempts
are throttled per device with an exponential delay (1, 2, 4, 8… seconds × `OTP_TOTP_THROTTLE_FACTOR`).
"""

from __future__ import annotations

import math
import re

from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services import audit_log

TOTP_DEVICE_NAME = "Application d’authentification"
BACKUP_DEVICE_NAME = "Codes de secours"
BACKUP_CODES_COUNT = 10

CODE_INVALID = "Code incorrect ou déjà utilisé. Saisissez le code à 6 chiffres affiché par votre application."
BACKUP_CODE_INVALID = "Code de secours incorrect ou déjà utilisé."
NO_DEVICE = "Aucune application d’authentification n’est activée sur ce compte."

_TOTP_FORMAT = re.compile(r"^\d{6}$")
_BACKUP_FORMAT = re.compile(r"^[a-z2-7]{8}$")


def normalize_code(code: str | None) -> str:
    """Codes are typed with spaces or dashes ("123 456", "abcd-efgh") and backup codes in either case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def throttled_message(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    if seconds < 120:
        delay = f"{seconds} seconde{'s' if seconds > 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        delay = f"{minutes} minutes"
    return f"Trop de codes incorrects. Par sécurité, patientez {delay} avant de saisir un nouveau code."


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_devices(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "id"))


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's device awaiting its first code, created on first call so the QR code stays the same on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        count = TOTPDevice.objects.filter(user=user, confirmed=True).count()
        name = TOTP_DEVICE_NAME if count == 0 else f"{TOTP_DEVICE_NAME} {count + 1}"
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=False)
    return device


def totp_device_confirm(*, user: User, device_id: int, code: str, request=None) -> TOTPDevice:
    """Activate a pending device with its first code. The failed attempt is kept (throttling) when refused."""
    code = normalize_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None:
            raise DomainError("Cette activation a expiré : rechargez la page pour obtenir un nouveau QR code.")
        allowed, info = device.verify_is_allowed()
        verified = allowed and bool(_TOTP_FORMAT.match(code)) and device.verify_token(code)
        if not verified and allowed and not _TOTP_FORMAT.match(code):
            device.throttle_increment()
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # Other half-finished activations are dropped: only the device just confirmed is trusted.
            TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
            audit_log(actor=user, action="otp.enrol", target=user, after={"device": device.name}, request=request)
    if not allowed:
        raise DomainError(throttled_message((info or {}).get("locked_until")), code="throttled")
    if not verified:
        raise DomainError(CODE_INVALID, code="invalid_code")
    return device


def otp_verify(*, user: User, code: str, request=None) -> Device:
    """Check a code against the user's confirmed devices: TOTP for 6 digits, backup codes for 8 characters.

    Raises a DomainError (throttled, or wrong/reused code). Each failure counts on the devices it was tried on.
    """
    code = normalize_code(code)
    is_backup = bool(_BACKUP_FORMAT.match(code))
    model = StaticDevice if is_backup else TOTPDevice
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=user, confirmed=True).order_by("id"))
        if not devices and not is_backup:
            raise DomainError(NO_DEVICE, code="no_device")
        usable = [d for d in devices if d.verify_is_allowed()[0]]
        matched = None
        if usable and (is_backup or _TOTP_FORMAT.match(code)):
            matched = next((d for d in usable if d.verify_token(code)), None)
        elif usable:
            for device in usable:
                device.throttle_increment()
        if matched is not None:
            audit_log(actor=user, action="otp.verify", target=user, after={"device": matched.name}, request=request)
            if is_backup:
                audit_log(
                    actor=user,
                    action="otp.backup_code_used",
                    target=user,
                    after={"left": StaticToken.objects.filter(device=matched).count()},
                    request=request,
                )
    if matched is not None:
        return matched
    if devices and not usable:
        soonest = min((d.verify_is_allowed()[1] or {}).get("locked_until") or timezone.now() for d in devices)
        raise DomainError(throttled_message(soonest), code="throttled")
    audit_log(actor=user, action="otp.verify_failed", target=user, after={"backup": is_backup}, request=request)
    raise DomainError(BACKUP_CODE_INVALID if is_backup else CODE_INVALID, code="invalid_code")


@transaction.atomic
def backup_codes_generate(*, user: User, request=None) -> list[str]:
    """Replace the user's backup codes with a fresh set. The codes are returned once, to be shown once."""
    if not has_confirmed_totp(user):
        raise DomainError("Activez d’abord une application d’authentification.")
    device = StaticDevice.objects.filter(user=user).order_by("id").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_log(actor=user, action="otp.backup_codes", target=user, after={"count": len(codes)}, request=request)
    return codes


@transaction.atomic
def totp_device_remove(*, actor: User, device: TOTPDevice, request=None) -> None:
    """Remove a TOTP device. Removing the last one also removes the backup codes, which only back it up."""
    user = device.user
    name = device.name
    device.delete()
    remaining = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not remaining:
        StaticDevice.objects.filter(user=user).delete()
    audit_log(
        actor=actor,
        action="otp.remove",
        target=user,
        before={"device": name},
        after={"devices_left": TOTPDevice.objects.filter(user=user, confirmed=True).count()},
        request=request,
    )


def totp_device_remove_own(*, user: User, device_id: int, password: str, request=None) -> None:
    """A person removes one of their own devices, confirming with their password."""
    if not user.check_password(password or ""):
        raise DomainError("Mot de passe incorrect.", field="password")
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=True).first()
    if device is None:
        raise DomainError("Cet appareil n’existe pas ou a déjà été supprimé.")
    totp_device_remove(actor=user, device=device, request=request)


@transaction.atomic
def totp_device_create_confirmed(*, user: User, key: str | None = None, name: str = TOTP_DEVICE_NAME) -> TOTPDevice:
    """A confirmed device with a known key, for demo accounts and tests (the key is the device's hex secret)."""
    extra = {"key": key} if key else {}
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True, **extra)
