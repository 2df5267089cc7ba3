"""Services of activity records: creation, update, archive; every bad input of the issue refused in French."""

import datetime as dt

import pytest
from django.db import transaction

from cnfs.activite.models import Accompagnement
from cnfs.activite.services import accompagnement_create, accompagnement_delete, accompagnement_update
from cnfs.activite.signals import ROLLUP_FIELDS
from cnfs.activite.tests.conftest import nothing_written
from cnfs.activite.tests.factories import (
    TODAY,
    StructureFactory,
    conseiller_with_lieux,
    valid_data,
)
from cnfs.activite.validation import AccompagnementInvalide
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.tests.factories import user_with_role
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.recrutement.tests.factories import commune_lyon

pytestmark = pytest.mark.django_db


def _create(user, **overrides):
    lieu = overrides.pop("lieu", None)
    return accompagnement_create(actor=user, data=valid_data(lieu, **overrides), today=TODAY)


def test_create_at_a_place_derives_commune_departement_and_structure(signals):
    structure = StructureFactory()
    user, (lieu,) = conseiller_with_lieux(structure=structure)
    acc = _create(user, lieu=lieu, themes=["courriel", "demarche_en_ligne"], demarche_type="impots")
    acc.refresh_from_db()
    assert (acc.commune_id, acc.departement_code, acc.structure_id) == (lieu.commune_id, "42", structure.pk)
    assert sorted(acc.themes.values_list("theme", flat=True)) == ["courriel", "demarche_en_ligne"]
    assert len(signals) == 1 and signals[0]["before"] == []
    (after,) = signals[0]["after"]
    assert set(after) == {*ROLLUP_FIELDS, "themes"}
    assert after["themes"] == ["courriel", "demarche_en_ligne"] and after["conseiller_id"] == user.pk


def test_create_without_place_uses_the_commune():
    user, _ = conseiller_with_lieux()
    acc = _create(user, canal="domicile", commune_id="42218")
    assert (acc.lieu_id, acc.commune_id, acc.departement_code, acc.structure_id) == (None, "42218", "42", None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"age_35_60": 0, "age_plus_60": 0},
            "ages",
            "La répartition par âge compte 0 personne pour 1 personne : il en manque 1.",
        ),
        (
            {"participants": 3, "age_35_60": 1, "statut_retraite": 3},
            "ages",
            "La répartition par âge compte 1 personne pour 3 personnes : il en manque 2.",
        ),
        (
            {"statut_retraite": 2},
            "statuts",
            "La répartition par situation compte 2 personnes pour 1 personne : il y en a 1 de trop.",
        ),
        ({"date": TODAY + dt.timedelta(days=1)}, "date", "La date ne peut pas être dans le futur."),
        ({"date": dt.date(2019, 12, 31)}, "date", "La date ne peut pas être antérieure au 1er janvier 2020."),
        ({"date": "31/02/2024"}, "date", "Indiquez une date valide (JJ/MM/AAAA)."),
        (
            {"themes": ["courriel", "astrologie"]},
            "themes",
            "Le thème « astrologie » ne fait pas partie de la liste du programme.",
        ),
        ({"themes": []}, "themes", "Choisissez au moins un thème."),
        ({"participants": 0}, "participants", "Le nombre de participants est compris entre 1 et 100."),
        ({"participants": 101}, "participants", "Le nombre de participants est compris entre 1 et 100."),
        (
            {"participants_recurrents": 2},
            "participants_recurrents",
            "Les participants déjà accompagnés ne peuvent pas dépasser les participants.",
        ),
        ({"duree_minutes": 0}, "duree_minutes", "La durée est un nombre de minutes entre 1 et 1440 (24 heures)."),
        ({"type": "festif"}, "type", "Choisissez le type : individuel, collectif ou ponctuel."),
        ({"orientation": "nasa"}, "orientation", "L’orientation « nasa » ne fait pas partie de la liste."),
        (
            {"demarche_type": "impots"},
            "demarche_type",
            "Le type de démarche ne se précise qu’avec le thème « Démarche administrative en ligne ».",
        ),
        (
            {"canal": "domicile", "lieu_id": None, "commune_id": "99999"},
            "commune_id",
            "Le code INSEE « 99999 » ne correspond à aucune commune.",
        ),
        (
            {"canal": "domicile", "lieu_id": None, "commune_id": None},
            "commune_id",
            "Indiquez la commune (code INSEE) où s’est tenu l’accompagnement.",
        ),
        ({"lieu_id": None}, "lieu_id", "Choisissez le lieu d’activité où s’est tenu l’accompagnement."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(overrides, field, message, signals):
    user, (lieu,) = conseiller_with_lieux()
    with nothing_written(), pytest.raises(AccompagnementInvalide) as error:
        _create(user, lieu=lieu, **overrides)
    assert (field, message) in error.value.errors
    assert signals == []


def test_a_place_that_is_not_theirs_is_refused():
    user, _ = conseiller_with_lieux()
    other, (other_lieu,) = conseiller_with_lieux()
    stranger_place = LieuFactory()
    for lieu in (other_lieu, stranger_place):
        with nothing_written(), pytest.raises(AccompagnementInvalide) as error:
            _create(user, lieu=lieu)
        assert error.value.errors == [("lieu_id", "Ce lieu ne fait pas partie de vos lieux d’activité.")]


def test_every_problem_is_listed_at_once():
    user, (lieu,) = conseiller_with_lieux()
    with pytest.raises(AccompagnementInvalide) as error:
        _create(user, lieu=lieu, date=dt.date(2019, 1, 1), themes=["x"], statut_retraite=0)
    assert [f for f, _ in error.value.errors] == ["date", "statuts", "themes"]


@pytest.mark.parametrize("role", [Role.STRUCTURE, Role.CANDIDAT, Role.PREFECTURE])
def test_only_advisors_record_activity(role):
    user = user_with_role(role)
    with nothing_written(), pytest.raises(DomainError, match="votre propre activité"):
        _create(user, canal="domicile", commune_id="42218")


def test_an_advisor_cannot_record_for_another():
    user, _ = conseiller_with_lieux()
    other, (lieu,) = conseiller_with_lieux()
    with nothing_written(), pytest.raises(DomainError, match="votre propre activité"):
        accompagnement_create(actor=user, conseiller=other, data=valid_data(lieu), today=TODAY)


def test_database_refuses_counts_that_do_not_sum_even_past_the_services():
    from django.db import IntegrityError

    user, (lieu,) = conseiller_with_lieux()
    with pytest.raises(IntegrityError), transaction.atomic():
        Accompagnement.objects.create(
            conseiller=user,
            date=TODAY,
            type="individuel",
            canal="distance",
            duree_minutes=30,
            participants=2,
            age_12_18=2,
        )


def test_update_changes_the_record_sends_before_and_after_and_audits(signals):
    user, (lieu, second) = conseiller_with_lieux(2)
    acc = _create(user, lieu=lieu)
    signals.clear()
    accompagnement_update(
        actor=user,
        accompagnement=acc,
        data=valid_data(second, participants=2, age_35_60=2, statut_retraite=2, themes=["sante", "courriel"]),
        today=TODAY,
    )
    acc.refresh_from_db()
    assert (acc.lieu_id, acc.participants) == (second.pk, 2)
    assert sorted(acc.themes.values_list("theme", flat=True)) == ["courriel", "sante"]
    ((change),) = signals
    assert change["before"][0]["participants"] == 1 and change["before"][0]["themes"] == ["courriel"]
    assert change["after"][0]["participants"] == 2 and change["after"][0]["themes"] == ["courriel", "sante"]
    event = AuditEvent.objects.get(action="accompagnement.update")
    assert event.before["participants"] == 1 and event.after["participants"] == 2


def test_update_of_another_advisors_record_is_refused(signals):
    owner, (lieu,) = conseiller_with_lieux()
    acc = _create(owner, lieu=lieu)
    other, (other_lieu,) = conseiller_with_lieux()
    signals.clear()
    with nothing_written(), pytest.raises(DomainError, match="Seul le conseiller"):
        accompagnement_update(actor=other, accompagnement=acc, data=valid_data(other_lieu), today=TODAY)
    assert signals == []


def test_bad_update_writes_nothing():
    user, (lieu,) = conseiller_with_lieux()
    acc = _create(user, lieu=lieu)
    with nothing_written(), pytest.raises(AccompagnementInvalide):
        accompagnement_update(actor=user, accompagnement=acc, data=valid_data(lieu, participants=5), today=TODAY)
    acc.refresh_from_db()
    assert acc.participants == 1


def test_delete_archives_and_signals_the_removal(signals):
    user, (lieu,) = conseiller_with_lieux()
    acc = _create(user, lieu=lieu)
    signals.clear()
    accompagnement_delete(actor=user, accompagnement=acc)
    acc.refresh_from_db()
    assert acc.supprime_le is not None
    assert Accompagnement.objects.actifs().count() == 0 and Accompagnement.objects.count() == 1
    assert signals[0]["after"] == [] and signals[0]["before"][0]["conseiller_id"] == user.pk
    with pytest.raises(DomainError, match="déjà supprimé"):
        accompagnement_delete(actor=user, accompagnement=acc)
    with pytest.raises(DomainError, match="supprimé"):
        accompagnement_update(actor=user, accompagnement=acc, data=valid_data(lieu), today=TODAY)


def test_delete_by_another_advisor_is_refused():
    owner, (lieu,) = conseiller_with_lieux()
    acc = _create(owner, lieu=lieu)
    other, _ = conseiller_with_lieux()
    with nothing_written(), pytest.raises(DomainError):
        accompagnement_delete(actor=other, accompagnement=acc)


def test_signal_receiver_failure_rolls_the_write_back():
    from cnfs.activite.signals import accompagnements_changed

    def boom(**kwargs):
        raise RuntimeError("rollup indisponible")

    user, (lieu,) = conseiller_with_lieux()
    accompagnements_changed.connect(boom, dispatch_uid="boom")
    try:
        with nothing_written(), pytest.raises(RuntimeError):
            _create(user, lieu=lieu)
    finally:
        accompagnements_changed.disconnect(dispatch_uid="boom")


def test_record_in_another_departement_commune():
    commune_lyon()
    user, _ = conseiller_with_lieux()
    acc = _create(user, canal="autre_lieu", commune_id="69123")
    assert acc.departement_code == "69"
