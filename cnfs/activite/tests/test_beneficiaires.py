"""Beneficiaries: anonymous by default, named only with consent, anonymised after 24 months without activity
(`cnfs activite retention`, dates fixed by `today`/`--date`), duplicates merged and audited."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.activite.models import Accompagnement, Beneficiaire
from cnfs.activite.services import (
    CONSENTEMENT_VERSION,
    accompagnement_create,
    beneficiaire_create,
    beneficiaires_merge,
    beneficiaires_retention,
    months_before,
)
from cnfs.activite.tests.conftest import nothing_written
from cnfs.activite.tests.factories import TODAY, conseiller_with_lieux, valid_data
from cnfs.activite.validation import AccompagnementInvalide
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _named(user, **kwargs):
    return beneficiaire_create(actor=user, prenom="Lucie", nom="Bernard", consentement=True, **kwargs)


def _record(user, lieu, beneficiaire, date):
    return accompagnement_create(
        actor=user, data=valid_data(lieu, date=date, beneficiaire_id=beneficiaire.pk), today=date
    )


def test_named_follow_up_needs_consent():
    user, _ = conseiller_with_lieux()
    with nothing_written(), pytest.raises(DomainError, match="consentement"):
        beneficiaire_create(actor=user, nom="Bernard")
    b = _named(user)
    assert b.consentement_le is not None and b.consentement_version == CONSENTEMENT_VERSION
    anonymous = beneficiaire_create(actor=user)
    assert not anonymous.est_nominatif and anonymous.consentement_le is None
    assert AuditEvent.objects.filter(action="beneficiaire.create").count() == 2


def test_database_refuses_a_name_without_consent():
    user, _ = conseiller_with_lieux()
    with pytest.raises(IntegrityError), transaction.atomic():
        Beneficiaire.objects.create(conseiller=user, nom="Sans consentement")


def test_only_advisors_follow_beneficiaries():
    with nothing_written(), pytest.raises(DomainError, match="Seuls les conseillers"):
        beneficiaire_create(actor=user_with_role(Role.STRUCTURE), nom="X", consentement=True)


def test_records_link_only_the_advisors_own_beneficiaries():
    user, (lieu,) = conseiller_with_lieux()
    other, _ = conseiller_with_lieux()
    theirs = _named(other)
    with nothing_written(), pytest.raises(AccompagnementInvalide, match="ne fait pas partie de vos suivis"):
        accompagnement_create(actor=user, data=valid_data(lieu, beneficiaire_id=theirs.pk), today=TODAY)
    mine = _named(user)
    _record(user, lieu, mine, TODAY)
    mine.refresh_from_db()
    assert mine.derniere_activite == TODAY


def test_months_before_handles_short_months():
    assert months_before(dt.date(2026, 6, 15), 24) == dt.date(2024, 6, 15)
    assert months_before(dt.date(2026, 2, 28), 24) == dt.date(2024, 2, 28)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)


def test_retention_anonymises_after_24_months_without_activity_and_is_idempotent():
    user, (lieu,) = conseiller_with_lieux()
    old = _named(user, email="lucie@exemple.fr")
    recent = _named(user)
    _record(user, lieu, old, dt.date(2022, 3, 1))
    _record(user, lieu, recent, dt.date(2022, 3, 1))
    _record(user, lieu, recent, dt.date(2024, 9, 1))
    Beneficiaire.objects.update(created_at=timezone.make_aware(dt.datetime(2022, 1, 1)))
    today = dt.date(2024, 3, 1)  # exactly 24 months after the last record of `old`: kept
    assert beneficiaires_retention(today=today) == []
    today = dt.date(2024, 3, 2)
    assert beneficiaires_retention(today=today, dry_run=True) == [old.pk]
    old.refresh_from_db()
    assert old.anonymise_le is None and old.nom == "Bernard"
    assert beneficiaires_retention(today=today) == [old.pk]
    old.refresh_from_db()
    assert (old.prenom, old.nom, old.email, old.anonymise_le is not None) == ("", "", "", True)
    assert old.accompagnements.count() == 1  # records stay, linked to an anonymous person
    assert beneficiaires_retention(today=today) == []  # idempotent
    assert beneficiaires_retention(today=dt.date(2026, 9, 2)) == [recent.pk]
    assert AuditEvent.objects.filter(action="beneficiaire.retention").count() == 2


def test_a_follow_up_without_records_expires_from_its_creation():
    user, _ = conseiller_with_lieux()
    b = _named(user)
    created = timezone.localtime(b.created_at).date()
    assert beneficiaires_retention(today=months_before(created, -24)) == []
    assert beneficiaires_retention(today=months_before(created, -24) + dt.timedelta(days=1)) == [b.pk]


def test_retention_command_prints_what_it_did(capsys):
    user, _ = conseiller_with_lieux()
    b = _named(user)
    later = (timezone.localtime(b.created_at) + dt.timedelta(days=3 * 366)).date().isoformat()
    call_command("activite", "retention", "--dry-run", "--date", later)
    assert (
        f"1 bénéficiaire(s) sans activité depuis 24 mois seraient anonymisés :\nnº {b.pk}" in capsys.readouterr().out
    )
    call_command("activite", "retention", "--date", later)
    assert "anonymisés :" in capsys.readouterr().out
    call_command("activite", "retention", "--date", later)
    assert "rien à faire" in capsys.readouterr().out


def test_merge_repoints_records_completes_fields_and_audits():
    user, (lieu,) = conseiller_with_lieux()
    keep = _named(user)
    duplicate = beneficiaire_create(actor=user, nom="Bernard", telephone="0600000000", consentement=True)
    _record(user, lieu, keep, dt.date(2025, 1, 1))
    _record(user, lieu, duplicate, dt.date(2025, 5, 1))
    _record(user, lieu, duplicate, dt.date(2025, 4, 1))
    merged = beneficiaires_merge(actor=user, keep=keep, duplicate=duplicate)
    assert not Beneficiaire.objects.filter(pk=duplicate.pk).exists()
    assert Accompagnement.objects.filter(beneficiaire=merged).count() == 3
    assert (merged.telephone, merged.derniere_activite) == ("0600000000", dt.date(2025, 5, 1))
    event = AuditEvent.objects.get(action="beneficiaire.merge")
    assert event.after["accompagnements_deplaces"] == 2 and event.after["fusionne_id"] == duplicate.pk


def test_merge_refuses_other_advisors_and_identical_picks():
    user, _ = conseiller_with_lieux()
    other, _ = conseiller_with_lieux()
    mine, theirs = _named(user), _named(other)
    with nothing_written(), pytest.raises(DomainError, match="même conseiller"):
        beneficiaires_merge(actor=user, keep=mine, duplicate=theirs)
    with nothing_written(), pytest.raises(DomainError, match="deux bénéficiaires différents"):
        beneficiaires_merge(actor=user, keep=mine, duplicate=mine)
    second = _named(other)
    with nothing_written(), pytest.raises(DomainError, match="Seul le conseiller"):
        beneficiaires_merge(actor=user, keep=theirs, duplicate=second)
