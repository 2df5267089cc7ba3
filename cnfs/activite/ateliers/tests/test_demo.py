"""Demo ateliers, permanences and slots: bookable, and a rerun creates nothing twice."""

import pytest

from cnfs.activite.ateliers import demo
from cnfs.activite.ateliers.tests.factories import conseiller
from cnfs.activite.models import Atelier, Creneau, Permanence, Reservation
from cnfs.demo import SCALES, DemoContext

pytestmark = pytest.mark.django_db


def test_demo_is_upcoming_and_idempotent():
    user, lieu = conseiller()
    ctx = DemoContext(seed=42, scale=SCALES["small"]).for_step("activite")
    demo.seed(ctx, user, [lieu.pk])
    counts = (
        Atelier.objects.count(),
        Permanence.objects.count(),
        Creneau.objects.count(),
        Reservation.objects.count(),
    )
    assert counts[0] == len(demo.ATELIERS) and counts[1] == 2 and counts[2] >= 12 and counts[3] == 3
    demo.seed(DemoContext(seed=42, scale=SCALES["small"]).for_step("activite"), user, [lieu.pk])
    again = (Atelier.objects.count(), Permanence.objects.count(), Creneau.objects.count(), Reservation.objects.count())
    assert again == counts
    assert ctx.warnings == []
