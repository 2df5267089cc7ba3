"""The requester's e-mail confirmation of a public habilitation request: signed, single-use, expiring link."""

import datetime

import pytest
from django.core import mail, signing
from django.urls import reverse

from cnfs.aidants import services
from cnfs.aidants.enums import ActionJournal, StatutDemandeHabilitation
from cnfs.aidants.models import DemandeHabilitation, JournalEntry
from cnfs.aidants.services.confirmation import SALT, confirmation_token
from cnfs.aidants.tests.factories import valid_siret
from cnfs.aidants.tests.test_views import REQUEST
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    def run(n=901):
        with django_capture_on_commit_callbacks(execute=True):
            return _submit(client, n)

    return run


def _submit(client, n):
    response = client.post(reverse("aidants:demande_create"), {**REQUEST, "siret": valid_siret(n)})
    assert response.status_code == 302
    return DemandeHabilitation.objects.filter(siret=valid_siret(n)).latest("pk")


def _link(message) -> str:
    return next(line.strip() for line in message.body.splitlines() if "/confirmer/" in line)


def test_request_waits_for_confirmation_then_reaches_the_national_team(client, submit):
    demande = submit()
    assert demande.email_confirme_le is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ines@exemple.fr"]
    assert "Confirmez votre demande" in mail.outbox[0].subject
    anct = user_with_role(Role.ANCT)
    staff = client.__class__()
    login(staff, anct)
    listing = staff.get(reverse("aidants:anct_demandes")).content.decode()
    assert "CCAS de Firminy" not in listing
    assert "CCAS de Firminy" in staff.get(reverse("aidants:anct_demandes") + "?a_confirmer=1").content.decode()
    # Reviewing it before the confirmation is refused, nothing changes.
    with pytest.raises(DomainError) as refused:
        services.demande_accept(actor=anct, demande=demande)
    assert "pas encore confirmé" in str(refused.value)

    page = client.get(_link(mail.outbox[0]))
    assert page.status_code == 200 and "votre adresse électronique est confirmée" in page.content.decode()
    demande.refresh_from_db()
    assert demande.email_confirme_le is not None and demande.statut == StatutDemandeHabilitation.SOUMISE
    entry = JournalEntry.objects.get(action=ActionJournal.DEMANDE_EMAIL_CONFIRME)
    assert entry.data == {"demande": demande.pk} and "ines" not in entry.payload
    assert "CCAS de Firminy" in staff.get(reverse("aidants:anct_demandes")).content.decode()

    again = client.get(_link(mail.outbox[0])).content.decode()
    assert "ce lien a déjà servi" in again
    assert JournalEntry.objects.filter(action=ActionJournal.DEMANDE_EMAIL_CONFIRME).count() == 1


def test_forged_link_is_refused_in_french(client, submit):
    demande = submit()
    token = confirmation_token(demande)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    other_pk = signing.TimestampSigner(salt="autre-chose").sign_object({"d": demande.pk, "e": "ines@exemple.fr"})
    for bad in (forged, other_pk, "nimportequoi"):
        html = client.get(reverse("aidants:demande_confirmer", args=[bad])).content.decode()
        assert "Ce lien de confirmation n’est pas valide" in html
    demande.refresh_from_db()
    assert demande.email_confirme_le is None
    assert not JournalEntry.objects.filter(action=ActionJournal.DEMANDE_EMAIL_CONFIRME).exists()


def test_expired_link_is_refused(client, submit, settings):
    demande = submit()
    # A link signed 8 days ago (the signer's clock moved back), with links valid 7 days.
    settings.AIDANTS_CONFIRMATION_DAYS = 7
    import time

    class Past(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - datetime.timedelta(days=8).total_seconds()))

    old = Past(salt=SALT).sign_object({"d": demande.pk, "e": demande.demandeur_email.lower()})
    html = client.get(reverse("aidants:demande_confirmer", args=[old])).content.decode()
    assert "Ce lien de confirmation a expiré" in html
    demande.refresh_from_db()
    assert demande.email_confirme_le is None


def test_unconfirmed_request_does_not_hold_the_siret(client, submit):
    first = submit()
    second = submit()
    first.refresh_from_db()
    assert first.statut == StatutDemandeHabilitation.REMPLACEE and second.statut == StatutDemandeHabilitation.SOUMISE
    # The first link no longer confirms anything.
    html = client.get(_link(mail.outbox[0])).content.decode()
    assert "n’est plus en attente de confirmation" in html
