"""Monthly figures of the responsable space."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.aidants import selectors, services
from cnfs.aidants.enums import DureeMandat
from cnfs.aidants.models import Mandat
from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, aidant_user, responsable_user
from cnfs.core.tests.auth import login

pytestmark = pytest.mark.django_db


def test_monthly_figures(client, django_assert_max_num_queries):
    org, other = OrganisationFactory(), OrganisationFactory()
    user = aidant_user(org)
    now = timezone.now()
    a = MandatFactory(organisation=org)
    b = MandatFactory(organisation=org)
    MandatFactory(organisation=other)
    services.mandat_revoke(actor=user, mandat=b)
    old = MandatFactory(organisation=org, duree=DureeMandat.DOUZE_MOIS, debut=now - datetime.timedelta(days=70))
    Mandat.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=70))
    with django_assert_max_num_queries(4):
        rows = selectors.organisation_monthly_stats(org)
    assert len(rows) == 12
    assert rows[0]["crees"] == 2 and rows[0]["revoques"] == 1 and rows[0]["actifs"] == 2
    assert rows[0]["aidants_actifs"] == 1  # the revocation was an act of the aidant
    assert sum(r["crees"] for r in rows) == 3
    assert a.pk  # `a` stays active
    login(client, responsable_user(org))
    html = client.get(reverse("aidants:organisation", args=[org.pk])).content.decode()
    assert "Mandats et aidants actifs, mois par mois" in html
