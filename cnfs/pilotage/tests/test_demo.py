"""The demo step builds the rollups of the demo records and is idempotent."""

import pytest

from cnfs.demo.context import SCALES, DemoContext
from cnfs.pilotage import demo
from cnfs.pilotage.selectors import rollups_verify
from cnfs.pilotage.tests.helpers import world

pytestmark = pytest.mark.django_db


def test_demo_step_rebuilds_rollups_idempotently():
    world()
    from cnfs.pilotage.models import RollupJour

    RollupJour.objects.all().delete()  # e.g. records loaded without the services
    assert not all(d.ok for d in rollups_verify())
    ctx = DemoContext(seed=1, scale=SCALES["small"]).for_step("pilotage")
    demo.seed(ctx)
    assert all(d.ok for d in rollups_verify())
    first = ctx.summary[-1]
    demo.seed(ctx)
    assert ctx.summary[-1] == first and first[2] > 0


def test_full_demo_ends_with_rollups_equal_to_the_demo_records():
    from cnfs.activite.models import Accompagnement
    from cnfs.demo import run_demo
    from cnfs.lieux.tests.communes import load_communes
    from cnfs.pilotage.models import RollupNational

    load_communes(["42", "69"])
    run_demo(scale="small", seed=7)
    assert Accompagnement.objects.count() > 0
    assert (
        sum(RollupNational.objects.values_list("accompagnements", flat=True))
        == Accompagnement.objects.filter(supprime_le__isnull=True).count()
    )
    assert all(d.ok for d in rollups_verify())
