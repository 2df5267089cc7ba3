import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.api.services import api_key_create


@pytest.fixture
def make_key(db):
    """Create a key through the service; returns (ApiKey, raw key)."""

    def make(**kwargs):
        kwargs.setdefault("actor", None)
        kwargs.setdefault("organisation", "Conseil départemental de la Loire")
        kwargs.setdefault("scopes", ["prefecture"])
        return api_key_create(**kwargs)

    return make


def bearer(raw_key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


def login(client: Client, user, *, second_factor: bool = False) -> Client:
    """Log `user` in; with `second_factor`, as if they had just confirmed a TOTP code."""
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
