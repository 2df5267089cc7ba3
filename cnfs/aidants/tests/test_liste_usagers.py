"""The aidant's usager list sorted on the names copied on each mandate: same rows and order as the naive join."""

import datetime

import pytest
from django.utils import timezone

from cnfs.aidants import selectors, services
from cnfs.aidants.enums import Demarche
from cnfs.aidants.models import Mandat
from cnfs.aidants.services.cycle import usagers_anonymiser
from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, UsagerFactory, aidant_user

pytestmark = pytest.mark.django_db


def naive(organisation_id):
    """The list as it was first written: the active mandates joined to their usager, sorted on its names."""
    return list(
        Mandat.objects.active()
        .filter(organisation_id=organisation_id)
        .order_by("usager__family_name", "usager__given_names", "fin", "pk")
        .values_list("pk", flat=True)
    )


def listed(organisation_id):
    return [m.pk for m in selectors.mandats_actifs(organisation_id)]


def test_same_rows_and_order_as_the_naive_join():
    org, other = OrganisationFactory(), OrganisationFactory()
    now = timezone.now()
    names = [("Martin", "Zoé"), ("Martin", "Adam"), ("Martinez", "Léa"), ("Dupont", "Jean"), ("dupont", "Anne")]
    usagers = [UsagerFactory(family_name=f, given_names=g) for f, g in names]
    usagers += [UsagerFactory(family_name="Martin", given_names="Zoé") for _ in range(2)]  # homonyms: by fin, pk
    for index, usager in enumerate(usagers):
        MandatFactory(organisation=org, usager=usager, debut=now - datetime.timedelta(days=index + 1))
    MandatFactory(organisation=org, usager=usagers[0], demarches=[Demarche.ARGENT])  # same usager, later fin
    MandatFactory(organisation=org, expire=True)  # not listed: expired
    revoked = MandatFactory(organisation=org)
    MandatFactory(organisation=org, debut=now + datetime.timedelta(days=2))  # not listed: starts later
    MandatFactory(organisation=other, usager=usagers[3])  # another organisation
    services.mandat_revoke(actor=aidant_user(org), mandat=revoked)

    expected = naive(org.pk)
    assert len(expected) == len(usagers) + 1
    assert listed(org.pk) == expected
    rows = list(selectors.mandats_actifs(org.pk))
    assert [m.usager.family_name for m in rows].count("Martin") == 5  # the collation decides where "dupont" goes
    assert all(m.usager_nom == m.usager.family_name for m in Mandat.objects.select_related("usager"))


def test_renamed_and_anonymised_usagers_move_in_the_list():
    org = OrganisationFactory()
    first = MandatFactory(organisation=org, usager=UsagerFactory(family_name="Abadie", given_names="Paul"))
    second = MandatFactory(organisation=org, usager=UsagerFactory(family_name="Bernard", given_names="Luc"))
    assert listed(org.pk) == [first.pk, second.pk]

    # FranceConnect gives new names for the same person: their mandates follow.
    claims = {"sub": "sub-renomme", "given_name": "Paul", "family_name": "Zola", "birthdate": "1950-03-14"}
    usager = first.usager
    usager.sub_hash = services.sub_hash(claims["sub"])
    usager.save(update_fields=["sub_hash"])
    assert services.usager_from_identity(claims).pk == usager.pk
    assert Mandat.objects.get(pk=first.pk).usager_nom == "Zola"
    assert listed(org.pk) == naive(org.pk) == [second.pk, first.pk]

    # Anonymised (no mandate ended less than the retention period ago): the copied names are replaced too.
    Mandat.objects.filter(pk=second.pk).update(
        debut=timezone.now() - datetime.timedelta(days=4000), fin=timezone.now() - datetime.timedelta(days=3000)
    )
    assert usagers_anonymiser() == 1
    anonymised = Mandat.objects.select_related("usager").get(pk=second.pk)
    assert anonymised.usager_nom == anonymised.usager.family_name != "Bernard"
