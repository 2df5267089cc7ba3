"""The TOTP re-check after 15 minutes of inactivity before any act. Time is moved by ageing the session's last
check and the login (no sleeping)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.aidants.enums import ActionJournal, Demarche
from cnfs.aidants.models import Aidant, JournalEntry, Mandat
from cnfs.aidants.recheck import SESSION_KEY
from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, aidant_user, responsable_user
from cnfs.core.models import User
from cnfs.core.tests.auth import login, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    org = OrganisationFactory()
    user = aidant_user(org)
    device = login(client, user)
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL, Demarche.ARGENT])
    return {"org": org, "user": user, "device": device, "mandat": mandat}


def _age(client, user, minutes):
    """The last act/verification and the login, `minutes` ago."""
    past = timezone.now() - datetime.timedelta(minutes=minutes)
    User.objects.filter(pk=user.pk).update(last_login=past)
    session = client.session
    session[SESSION_KEY] = past.timestamp()
    session.save()


def test_fresh_session_acts_without_recheck(client, world):
    _age(client, world["user"], 14)
    response = client.get(reverse("aidants:mandat_create"))
    assert response.status_code == 200
    # The act refreshed the window.
    assert timezone.now().timestamp() - client.session[SESSION_KEY] < 5


def test_after_15_minutes_every_act_asks_for_a_fresh_code(client, world):
    mandat = world["mandat"]
    _age(client, world["user"], 16)
    create = reverse("aidants:mandat_create")
    response = client.get(create)
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("aidants:totp_reverifier") + "?next=%2Faidants-connect%2Fmandats%2Fnouveau%2F"
    )
    renew = client.get(reverse("aidants:mandat_renew", args=[mandat.pk]))
    assert renew["Location"].startswith(reverse("aidants:totp_reverifier"))
    detail = reverse("aidants:mandat", args=[mandat.pk])
    revoke = client.post(reverse("aidants:mandat_revoke", args=[mandat.pk]), HTTP_REFERER="http://testserver" + detail)
    assert revoke["Location"].startswith(reverse("aidants:totp_reverifier"))
    one = mandat.autorisations.first()
    assert client.post(reverse("aidants:autorisation_revoke", args=[one.pk]))["Location"].startswith(
        reverse("aidants:totp_reverifier")
    )
    mandat.refresh_from_db()
    one.refresh_from_db()
    assert mandat.revoked_at is None and one.revoked_at is None

    # A wrong code: refused in French, journaled, still stale.
    page = reverse("aidants:totp_reverifier") + "?next=" + create
    wrong = "000000" if totp_code(world["device"]) != "000000" else "111111"
    html = client.post(page, {"code": wrong, "next": create}).content.decode()
    assert "Code incorrect" in html
    assert JournalEntry.objects.filter(action=ActionJournal.TENTATIVE_REFUSEE).last().data == {
        "tentative": "totp_reverification",
        "motif": "totp_invalid_code",
    }
    world["device"].throttle_reset()
    assert client.get(create).status_code == 302

    # The good code: back to the act, journaled, activity recorded.
    response = client.post(page, {"code": totp_code(world["device"]), "next": create})
    assert response.status_code == 302 and response["Location"] == create
    entry = JournalEntry.objects.get(action=ActionJournal.TOTP_REVERIFIE)
    assert entry.actor_id == world["user"].pk and entry.organisation_id == world["org"].pk
    assert Aidant.objects.get(user=world["user"]).last_activity_at is not None
    assert client.get(create).status_code == 200
    client.post(reverse("aidants:mandat_revoke", args=[mandat.pk]))
    mandat.refresh_from_db()
    assert mandat.revoked_at is not None


def test_recheck_refuses_foreign_next_and_non_aidants(client, world):
    _age(client, world["user"], 16)
    world["device"].refresh_from_db()
    response = client.post(
        reverse("aidants:totp_reverifier"), {"code": totp_code(world["device"]), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("aidants:aidant_espace")
    other = client.__class__()
    login(other, responsable_user(world["org"]))
    assert other.get(reverse("aidants:totp_reverifier")).status_code == 403
    assert not Mandat.objects.filter(revoked_at__isnull=False).exists()


def test_responsable_revocation_is_not_held_by_the_aidant_recheck(client, world):
    responsable = responsable_user(world["org"])
    other = client.__class__()
    login(other, responsable)
    User.objects.filter(pk=responsable.pk).update(last_login=timezone.now() - datetime.timedelta(hours=1))
    other.post(reverse("aidants:mandat_revoke", args=[world["mandat"].pk]))
    world["mandat"].refresh_from_db()
    assert world["mandat"].revoked_at is not None
