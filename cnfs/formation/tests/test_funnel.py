"""The funnel recruited → in training → in the field by territory, on a known population."""

import datetime

import pytest

from cnfs.formation import selectors, services
from cnfs.formation.selectors import Territoire
from cnfs.formation.tests.factories import InscriptionFactory, OrganismeFormationFactory, recruited_advisor
from cnfs.recrutement.enums import EtapeConseiller as E
from cnfs.recrutement.tests.factories import TODAY, CandidatureFactory, StructureFactory, commune_lyon
from cnfs.territoires.tests.factories import HubFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def population(structure, *, en_attente: int, en_formation: int, en_poste: int):
    """Advisors of `structure` that the gate puts in each stage (the facts decide, not the factory)."""
    for _ in range(en_attente):
        recruited_advisor(structure=structure, contrat_debut=TODAY - DAY)
    for _ in range(en_formation):
        advisor = recruited_advisor(structure=structure, contrat_debut=TODAY + 30 * DAY)
        InscriptionFactory(candidature=advisor, date_debut=TODAY - DAY)
    for _ in range(en_poste):
        advisor = recruited_advisor(structure=structure, contrat_debut=TODAY - 10 * DAY)
        InscriptionFactory(candidature=advisor, date_debut=TODAY - 5 * DAY)


@pytest.fixture
def territory():
    loire = StructureFactory()  # Saint-Étienne, 42
    rhone = StructureFactory(commune=commune_lyon())  # Lyon, 69 (same région 84)
    population(loire, en_attente=14, en_formation=5, en_poste=2)
    population(rhone, en_attente=4, en_formation=3, en_poste=1)
    # Not counted: a candidate, someone who left.
    CandidatureFactory()
    recruited_advisor(structure=loire, etape=E.PARTI)
    hub = HubFactory()
    hub.departements.add(rhone.commune.departement)
    services.conseillers_update_readiness(today=TODAY)
    return {"hub": hub}


def test_exact_counts_by_territory(territory, django_assert_num_queries):
    with django_assert_num_queries(1):
        national = selectors.funnel()
    assert national == selectors.Funnel(recrutes=29, en_formation=8, en_poste=3)
    assert national.en_attente == 18
    assert selectors.funnel(Territoire(departement="42")) == selectors.Funnel(21, 5, 2)
    assert selectors.funnel(Territoire(departement="69")) == selectors.Funnel(8, 3, 1)
    assert selectors.funnel(Territoire(region="84")) == national
    assert selectors.funnel(Territoire(hub=territory["hub"].pk)) == selectors.Funnel(8, 3, 1)
    assert selectors.funnel(Territoire(departement="75")) == selectors.Funnel(0, 0, 0)


def test_breakdown_by_departement_sums_to_the_territory(territory):
    rows = selectors.funnel_by_departement()
    assert [(r.code, r.funnel) for r in rows] == [
        ("42", selectors.Funnel(21, 5, 2)),
        ("69", selectors.Funnel(8, 3, 1)),
    ]


def test_programme_figures_are_reproduced_at_scale():
    """The published figures of August 2021 (1,440 recruited, 579 in training, 62 in the field), built from
    facts through the gate: bulk-created, since the gate reads dates, not the factory's stage."""
    from cnfs.formation.models import Inscription, ModuleFormation
    from cnfs.recrutement.models import Candidature, Contrat, MiseEnRelation
    from cnfs.territoires.tests.factories import CommuneFactory

    structure = StructureFactory(postes_accordes=1440)
    commune = CommuneFactory()
    candidatures = Candidature.objects.bulk_create(
        Candidature(
            prenom="Camille",
            nom=f"Conseiller{n}",
            email=f"c{n}@exemple.fr",
            date_naissance=datetime.date(1990, 1, 1),
            code_postal="42000",
            commune=commune,
            demandeur_emploi=True,
            date_disponibilite=TODAY,
            etape=E.RECRUTE,
            cle_identite=f"c{n}",
        )
        for n in range(1440)
    )
    mers = MiseEnRelation.objects.bulk_create(
        MiseEnRelation(structure=structure, candidature=c, statut="finalisee", date_recrutement=TODAY)
        for c in candidatures
    )
    socle = ModuleFormation.objects.get(code="fi-socle")
    organisme = OrganismeFormationFactory()
    # 62 in the field: training and contract begun; 579 in training: training begun, contract later; 799 waiting.
    Contrat.objects.bulk_create(
        Contrat(
            mise_en_relation=m,
            type="cdi",
            date_debut=TODAY - DAY if i < 62 else TODAY + 30 * DAY,
            heures_hebdomadaires=35,
        )
        for i, m in enumerate(mers)
    )
    Inscription.objects.bulk_create(
        Inscription(candidature=c, module=socle, organisme=organisme, heures_prevues=70, date_debut=TODAY - DAY)
        for c in candidatures[: 62 + 579]
    )
    services.conseillers_update_readiness(today=TODAY)
    assert selectors.funnel() == selectors.Funnel(recrutes=1440, en_formation=579, en_poste=62)
    assert selectors.funnel(Territoire(departement="42")) == selectors.Funnel(1440, 579, 62)
