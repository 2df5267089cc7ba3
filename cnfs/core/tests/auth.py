"""Test helpers for logging in, shared by every app's tests.

Roles `anct`, `prefecture`, `hub`, `aidant`, `responsable` and staff need a confirmed second factor: a plain
`client.force_login(user)` sends them to the 2FA pages. Use `login(client, user)` instead.
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.core.services.otp import totp_device_create_confirmed


def login(client, user, *, verified: bool | None = None) -> TOTPDevice | None:
    """Log `user` in on `client`. When they need 2FA (or `verified=True`), give them a confirmed TOTP device and
    mark the session as verified, as after typing a good code. `verified=False` logs in without the second factor.
    """
    client.force_login(user)
    if verified is None:
        verified = user.requires_2fa
    if not verified:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device_create_confirmed(user=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's application shows now (or `steps_ahead` time steps later).

    The device is re-read first: a code accepted just after a time-step boundary makes the server record a drift,
    and a code computed from a stale copy would then fall outside the server's window.
    """
    if device.pk is not None:
        device.refresh_from_db(fields=["drift", "last_t"])
    if steps_ahead == 0:
        value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    else:
        generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        generator.time = time.time() + steps_ahead * device.step
        value = generator.token()
    return f"{value:0{device.digits}d}"
