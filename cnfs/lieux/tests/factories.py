"""Deterministic factories of places. Traits add the programme's labels: `LieuFactory(france_services=True)`."""

import datetime

import factory

from cnfs.lieux.enums import (
    PIVOT_PLACEHOLDER,
    Dispositif,
    FormationLabel,
    Frais,
    ModaliteAcces,
    ModaliteAccompagnement,
    PublicAdresse,
    Service,
)
from cnfs.lieux.models import Lieu
from cnfs.territoires.tests.factories import CommuneFactory


class LieuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lieu

    source = "cnfs"
    source_id = factory.Sequence(lambda n: f"lieu-{n}")
    pivot = PIVOT_PLACEHOLDER
    nom = factory.Sequence(lambda n: f"Espace numérique n° {n}")
    commune = factory.SubFactory(CommuneFactory)
    code_postal = factory.LazyAttribute(lambda o: (o.commune.codes_postaux or ["42000"])[0])
    adresse = factory.Sequence(lambda n: f"{n + 1} rue de la République")
    # Spread deterministically around the commune's point (a few hundred metres apart).
    latitude = factory.LazyAttributeSequence(lambda o, n: round((o.commune.latitude or 45.4339) + (n % 7) * 0.003, 6))
    longitude = factory.LazyAttributeSequence(lambda o, n: round((o.commune.longitude or 4.39) + (n % 5) * 0.004, 6))
    typologie = factory.LazyFunction(lambda: ["ASSO"])
    telephone = "+33477000000"
    courriels = factory.LazyFunction(lambda: ["contact@exemple.fr"])
    horaires = "Mo-Fr 09:00-12:00,14:00-17:00"
    date_maj = datetime.date(2024, 4, 2)
    services = factory.LazyFunction(lambda: [Service.AIDE_DEMARCHES.value, Service.MAITRISE_OUTILS.value])
    publics_specifiquement_adresses = factory.LazyFunction(list)
    frais_a_charge = factory.LazyFunction(lambda: [Frais.GRATUIT.value])
    modalites_acces = factory.LazyFunction(lambda: [ModaliteAcces.SE_PRESENTER.value])
    modalites_accompagnement = factory.LazyFunction(lambda: [ModaliteAccompagnement.INDIVIDUEL.value])
    dispositif_programmes_nationaux = factory.LazyFunction(list)
    formations_labels = factory.LazyFunction(list)

    class Params:
        france_services = factory.Trait(
            dispositif_programmes_nationaux=factory.LazyFunction(lambda: [Dispositif.FRANCE_SERVICES.value])
        )
        conseillers_numeriques = factory.Trait(
            dispositif_programmes_nationaux=factory.LazyFunction(lambda: [Dispositif.CONSEILLERS_NUMERIQUES.value])
        )
        aidants_connect = factory.Trait(
            dispositif_programmes_nationaux=factory.LazyFunction(lambda: [Dispositif.AIDANTS_CONNECT.value])
        )
        fabrique_de_territoire = factory.Trait(
            formations_labels=factory.LazyFunction(lambda: [FormationLabel.FABRIQUES_DE_TERRITOIRE.value])
        )
        pass_numerique = factory.Trait(accepte_pass_numerique=True)
        seniors = factory.Trait(
            publics_specifiquement_adresses=factory.LazyFunction(lambda: [PublicAdresse.SENIORS.value])
        )
        sans_coordonnees = factory.Trait(latitude=None, longitude=None)
