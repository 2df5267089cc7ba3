"""Scheduled lifecycle: inactivity warning then deactivation, expiry announcements and journal, anonymisation.
Time is moved by dating rows in the past and by the tasks' `now` (no sleeping)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cnfs.aidants.attestation import attestation_pdf
from cnfs.aidants.enums import ActionJournal, DureeMandat, StatutAidant
from cnfs.aidants.models import Aidant, JournalEntry, Mandat, Usager
from cnfs.aidants.permissions import current_aidant
from cnfs.aidants.services import cycle
from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, aidant_user, responsable_user

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _run(*args, capture):
    out = io.StringIO()
    with capture(execute=True):
        call_command("aidants", *args, stdout=out)
    return out.getvalue()


def _journal(action):
    return JournalEntry.objects.filter(action=action)


def test_inactive_aidant_is_warned_then_deactivated_idempotently(django_capture_on_commit_callbacks):
    org = OrganisationFactory()
    idle, busy, fresh = aidant_user(org), aidant_user(org), aidant_user(org)
    now = timezone.now()
    Aidant.objects.filter(user=idle).update(last_activity_at=now - 200 * DAY)
    Aidant.objects.filter(user=busy).update(last_activity_at=now - 10 * DAY)
    Aidant.objects.filter(user=fresh).update(validated_at=now - 200 * DAY)  # never acted since habilitated
    out = _run("inactivite", capture=django_capture_on_commit_callbacks)
    assert "2 aidant(s) averti(s)" in out and "0 aidant(s) désactivé(s)" in out
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idle.email, fresh.email])
    assert "sera désactivée" in mail.outbox[0].body
    assert _journal(ActionJournal.AIDANT_AVERTI_INACTIVITE).count() == 2
    # Again the same day: nothing more.
    assert "0 aidant(s) averti(s) de leur inactivité, 0 aidant(s) désactivé(s)" in _run(
        "inactivite", capture=django_capture_on_commit_callbacks
    )
    assert len(mail.outbox) == 2

    # `fresh` acts after the warning; 31 days later, only `idle` is deactivated.
    Aidant.objects.filter(user=fresh).update(last_activity_at=now + DAY)
    with django_capture_on_commit_callbacks(execute=True):
        report = cycle.aidants_inactivite(now=now + 31 * DAY)
    assert (report.averti, report.desactive) == (0, 1)
    assert Aidant.objects.get(user=idle).statut == StatutAidant.DESACTIVE
    assert Aidant.objects.get(user=fresh).statut == StatutAidant.HABILITE
    assert current_aidant(type(idle).objects.get(pk=idle.pk)) is None
    entry = _journal(ActionJournal.AIDANT_DESACTIVE).get()
    assert entry.data["motif"] == "inactivite" and entry.organisation_id == org.pk
    assert mail.outbox[-1].to == [idle.email] and "désactivée" in mail.outbox[-1].subject
    assert cycle.aidants_inactivite(now=now + 32 * DAY).desactive == 0


def test_no_deactivation_before_the_grace_period(django_capture_on_commit_callbacks):
    user = aidant_user()
    now = timezone.now()
    Aidant.objects.filter(user=user).update(last_activity_at=now - 200 * DAY)
    assert cycle.aidants_inactivite(now=now).averti == 1
    assert cycle.aidants_inactivite(now=now + 29 * DAY).desactive == 0
    assert Aidant.objects.get(user=user).statut == StatutAidant.HABILITE


def test_expiry_announced_once_for_long_mandates_and_expired_journaled_once(django_capture_on_commit_callbacks):
    org, other = OrganisationFactory(), OrganisationFactory()
    resp = responsable_user(org)
    now = timezone.now()
    six = MandatFactory(organisation=org, duree=DureeMandat.SIX_MOIS, debut=now - 170 * DAY, fin=now + 10 * DAY)
    twelve = MandatFactory(organisation=org, duree=DureeMandat.DOUZE_MOIS, debut=now - 340 * DAY, fin=now + 25 * DAY)
    MandatFactory(organisation=org, duree=DureeMandat.SIX_MOIS, debut=now - 100 * DAY, fin=now + 80 * DAY)  # later
    MandatFactory(organisation=org, duree=DureeMandat.MOIS, debut=now - 20 * DAY, fin=now + 10 * DAY)  # short
    revoked = MandatFactory(organisation=org, duree=DureeMandat.SIX_MOIS, debut=now - 170 * DAY, fin=now + 5 * DAY)
    Mandat.objects.filter(pk=revoked.pk).update(revoked_at=now - DAY)
    expired = MandatFactory(organisation=other, duree=DureeMandat.MOIS, debut=now - 40 * DAY, fin=now - 9 * DAY)
    other_aidant = aidant_user(other)  # no responsable there: its aidants are told
    MandatFactory(organisation=other, duree=DureeMandat.DOUZE_MOIS, debut=now - 350 * DAY, fin=now + 15 * DAY)

    out = _run("echeances", capture=django_capture_on_commit_callbacks)
    assert "3 fin(s) prochaine(s) de mandat annoncée(s) à 2 organisation(s)" in out
    assert "1 mandat(s) arrivé(s) à échéance" in out
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {resp.email, other_aidant.email}
    body = by_to[resp.email].body
    assert f"Mandat n° {six.pk}" in body and f"Mandat n° {twelve.pk}" in body
    assert f"Mandat n° {revoked.pk}," not in body
    assert six.usager.family_name not in body
    assert _journal(ActionJournal.MANDAT_EXPIRATION_ANNONCEE).count() == 3
    exp = _journal(ActionJournal.MANDAT_EXPIRE).get()
    assert exp.mandat_id == expired.pk and exp.usager == str(expired.usager.uuid)

    again = _run("echeances", capture=django_capture_on_commit_callbacks)
    assert "0 fin(s) prochaine(s)" in again and "0 mandat(s) arrivé(s)" in again
    assert len(mail.outbox) == 2


def test_renewed_mandate_is_not_announced(django_capture_on_commit_callbacks):
    now = timezone.now()
    old = MandatFactory(duree=DureeMandat.SIX_MOIS, debut=now - 170 * DAY, fin=now + 10 * DAY)
    MandatFactory(organisation=old.organisation, usager=old.usager, remplace=old)
    assert cycle.mandats_echeances(now=now).annonces == 0


def test_anonymisation_after_a_year(client, django_capture_on_commit_callbacks):
    now = timezone.now()
    org = OrganisationFactory()
    gone = MandatFactory(organisation=org, duree=DureeMandat.MOIS, debut=now - 420 * DAY, fin=now - 390 * DAY)
    revoked = MandatFactory(organisation=org, duree=DureeMandat.DOUZE_MOIS, debut=now - 400 * DAY, fin=now + 10 * DAY)
    Mandat.objects.filter(pk=revoked.pk).update(revoked_at=now - 370 * DAY)
    recent = MandatFactory(organisation=org, duree=DureeMandat.MOIS, debut=now - 60 * DAY, fin=now - 30 * DAY)
    recently_revoked = MandatFactory(organisation=org, debut=now - 500 * DAY, fin=now - 400 * DAY)
    MandatFactory(organisation=org, usager=recently_revoked.usager)  # still an active mandate
    names = {u.pk: (u.given_names, u.family_name, u.sub_hash) for u in Usager.objects.all()}

    out = _run("anonymiser", capture=django_capture_on_commit_callbacks)
    assert "2 usager(s) anonymisé(s)" in out
    for mandat in (gone, revoked):
        usager = Usager.objects.get(pk=mandat.usager_id)
        assert (usager.given_names, usager.family_name) == ("Anonymisé", "Anonymisé")
        assert usager.birthdate == datetime.date(1900, 1, 1) and usager.anonymise_le is not None
        assert usager.sub_hash != names[usager.pk][2] and len(usager.sub_hash) == 64
        entry = _journal(ActionJournal.USAGER_ANONYMISE).get(usager=str(usager.uuid))
        assert entry.payload == "{}" and entry.actor_id is None
    for mandat in (recent, recently_revoked):
        assert Usager.objects.get(pk=mandat.usager_id).family_name == names[mandat.usager_id][1]
    # Nothing in the journal or in the attestation keeps the names of the anonymised usagers.
    for pk in (gone.usager_id, revoked.usager_id):
        given, family, _ = names[pk]
        assert not JournalEntry.objects.filter(payload__contains=family).exists()
        assert not JournalEntry.objects.filter(payload__contains=given).exists()
    from pypdf import PdfReader

    mandat = Mandat.objects.select_related("usager", "organisation").get(pk=gone.pk)
    text = PdfReader(io.BytesIO(attestation_pdf(mandat, None))).pages[0].extract_text()
    assert names[gone.usager_id][1] not in text and "Anonymisé" in text
    assert "0 usager(s) anonymisé(s)" in _run("anonymiser", capture=django_capture_on_commit_callbacks)
