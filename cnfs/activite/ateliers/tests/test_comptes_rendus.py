"""Attendance turns an atelier into its collective activity record; an appointment into an individual one."""

import pytest

from cnfs.activite import signals
from cnfs.activite.ateliers import services
from cnfs.activite.ateliers.enums import StatutReservation
from cnfs.activite.ateliers.tests.factories import (
    AtelierFactory,
    CreneauFactory,
    PermanenceFactory,
    RendezVousFactory,
    ReservationFactory,
    at,
    conseiller,
)
from cnfs.activite.models import Accompagnement
from cnfs.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes():
    received = []

    def receiver(sender, before, after, **kwargs):
        received.append((before, after))

    signals.accompagnements_changed.connect(receiver)
    yield received
    signals.accompagnements_changed.disconnect(receiver)


@pytest.fixture
def past_atelier():
    atelier = AtelierFactory(debut=at(-1, 14), capacite=4, themes=["smartphone", "echanger"])
    came = [ReservationFactory(atelier=atelier) for _ in range(3)]
    ReservationFactory(atelier=atelier, statut=StatutReservation.ANNULEE)
    return atelier, came


def test_attendance_creates_the_collective_record(past_atelier, changes):
    atelier, (a, b, absent) = past_atelier
    record = services.presences_record(
        actor=atelier.conseiller,
        atelier=atelier,
        presents={a.pk, b.pk},
        sans_inscription=1,
        ages={"age_35_60": 1, "age_plus_60": 2},
        statuts={},
    )
    record.refresh_from_db()
    assert record.type == "collectif"
    assert record.canal == "lieu_activite"
    assert record.atelier_id == atelier.pk
    assert record.lieu_id == atelier.lieu_id
    assert record.date == at(-1).date()
    assert record.duree_minutes == atelier.duree_minutes
    assert (record.participants, record.age_35_60, record.age_plus_60, record.statut_non_renseigne) == (3, 1, 2, 3)
    assert sorted(record.themes.values_list("theme", flat=True)) == ["echanger", "smartphone"]
    assert dict(atelier.reservations.filter(statut="confirmee").values_list("pk", "present")) == {
        a.pk: True,
        b.pk: True,
        absent.pk: False,
    }
    ((before, after),) = changes
    assert before == [] and after[0]["participants"] == 3 and after[0]["type"] == "collectif"


def test_correcting_attendance_updates_the_same_record(past_atelier, changes):
    atelier, (a, b, c) = past_atelier
    first = services.presences_record(
        actor=atelier.conseiller, atelier=atelier, presents={a.pk}, ages={"age_18_35": 1}
    )
    second = services.presences_record(
        actor=atelier.conseiller, atelier=atelier, presents={a.pk, b.pk, c.pk}, ages={"age_18_35": 3}
    )
    assert first.pk == second.pk
    assert Accompagnement.objects.filter(atelier_id=atelier.pk).count() == 1
    assert Accompagnement.objects.get().participants == 3
    assert [len(before) for before, _ in changes] == [0, 1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"presents": set(), "ages": {}}, "au moins une personne"),
        ({"ages": {"age_18_35": 1}}, r"La répartition par âge \(1\) doit égaler le nombre de présents \(2\)"),
        ({"statuts": {"statut_retraite": 1}}, r"La répartition par situation \(1\)"),
        ({"presents": {999999}}, "n’est pas inscrite"),
    ],
)
def test_bad_attendance_writes_nothing(past_atelier, kwargs, message):
    atelier, (a, b, _) = past_atelier
    data = {"presents": {a.pk, b.pk}, "ages": {"age_18_35": 2}, "statuts": {}}
    data.update(kwargs)
    with pytest.raises(DomainError, match=message):
        services.presences_record(actor=atelier.conseiller, atelier=atelier, **data)
    assert not Accompagnement.objects.exists()
    assert not atelier.reservations.filter(present__isnull=False).exists()


def test_attendance_before_the_start_or_by_someone_else_is_refused():
    upcoming = AtelierFactory()
    reservation = ReservationFactory(atelier=upcoming)
    with pytest.raises(DomainError, match="une fois l’atelier commencé"):
        services.presences_record(
            actor=upcoming.conseiller, atelier=upcoming, presents={reservation.pk}, ages={"age_18_35": 1}
        )
    past = AtelierFactory(debut=at(-2))
    intruder, _ = conseiller()
    with pytest.raises(DomainError, match="vos propres ateliers"):
        services.presences_record(actor=intruder, atelier=past, presents=set(), sans_inscription=1, ages={})
    assert not Accompagnement.objects.exists()


def test_a_remote_atelier_is_counted_at_the_advisors_principal_place():
    user, lieu = conseiller()
    atelier = AtelierFactory(conseiller=user, lieu=None, lien_distance="https://visio.exemple.fr/a", debut=at(-1))
    record = services.presences_record(
        actor=user, atelier=atelier, presents=set(), sans_inscription=2, ages={"age_plus_60": 2}
    )
    assert (record.canal, record.lieu_id, record.participants) == ("distance", lieu.pk, 2)


def test_appointment_record_is_prefilled_and_unique(changes):
    permanence = PermanenceFactory()
    rendezvous = RendezVousFactory(creneau=CreneauFactory(permanence=permanence, debut=at(-1, 10), duree_minutes=45))
    record = services.rendezvous_compte_rendu(
        actor=permanence.conseiller,
        rendezvous=rendezvous,
        themes=["demarche_en_ligne"],
        demarche_type="impots",
        age="age_plus_60",
        statut="statut_retraite",
        autonomie="partiellement",
    )
    record.refresh_from_db()
    assert (record.type, record.canal, record.lieu_id, record.duree_minutes) == (
        "individuel",
        "lieu_activite",
        permanence.lieu_id,
        45,
    )
    assert (record.participants, record.age_plus_60, record.statut_retraite, record.demarche_type) == (
        1,
        1,
        1,
        "impots",
    )
    rendezvous.refresh_from_db()
    assert rendezvous.accompagnement_id == record.pk
    with pytest.raises(DomainError, match="déjà enregistré"):
        services.rendezvous_compte_rendu(
            actor=permanence.conseiller, rendezvous=rendezvous, themes=["internet"], age="age_18_35"
        )
    assert Accompagnement.objects.count() == 1


def test_appointment_record_refuses_a_topic_outside_the_list_and_the_future():
    permanence = PermanenceFactory()
    past = RendezVousFactory(creneau=CreneauFactory(permanence=permanence, debut=at(-1, 10)))
    with pytest.raises(DomainError, match="ne fait pas partie de la liste"):
        services.rendezvous_compte_rendu(
            actor=permanence.conseiller, rendezvous=past, themes=["astrologie"], age="age_18_35"
        )
    upcoming = RendezVousFactory(creneau=CreneauFactory(permanence=permanence))
    with pytest.raises(DomainError, match="après le rendez-vous"):
        services.rendezvous_compte_rendu(
            actor=permanence.conseiller, rendezvous=upcoming, themes=["internet"], age="age_18_35"
        )
    assert not Accompagnement.objects.exists()
