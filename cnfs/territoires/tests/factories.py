import factory

from cnfs.territoires.models import Commune, Departement, Hub, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "84"
    nom = "Auvergne-Rhône-Alpes"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "42"
    nom = "Loire"
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = "42218"
    nom = "Saint-Étienne"
    search_name = "saint etienne"
    departement = factory.SubFactory(DepartementFactory)
    region = factory.LazyAttribute(lambda o: o.departement.region)
    population = 172565
    latitude = 45.4339
    longitude = 4.3900
    codes_postaux = factory.LazyFunction(lambda: ["42000", "42100"])
    codes_postaux_text = "42000 42100"


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub
        django_get_or_create = ["slug"]

    nom = "Hub du Rhône"
    slug = "hub-rhone"
