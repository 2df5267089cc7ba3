import pytest

from cnfs.core.enums import Role
from cnfs.core.tests.factories import user_with_role
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.passnum.tests import factories as f
from cnfs.territoires.tests.factories import CommuneFactory


@pytest.fixture
def world(db):
    """A buyer of the Loire with an issued order (D:42, 2 booklets of 5), a distributor holding both booklets, a
    qualified place in Saint-Étienne, one in Lyon (out of territory), a place not qualified, and their accounts."""
    etienne = CommuneFactory()
    lyon = f.lyon()
    buyer = f.CommanditaireFactory()
    distributeur = f.DistributeurFactory()
    users = {
        "anct": user_with_role(Role.ANCT),
        "structure": user_with_role(Role.STRUCTURE),
        "commanditaire": f.member(Role.COMMANDITAIRE, buyer.pk),
        "commanditaire_autre": f.member(Role.COMMANDITAIRE, f.CommanditaireFactory().pk),
        "distributeur": f.member(Role.DISTRIBUTEUR, distributeur.pk),
        "distributeur_autre": f.member(Role.DISTRIBUTEUR, f.DistributeurFactory().pk),
    }
    enveloppe = f.EnveloppeFactory()
    commande = f.commande(users["commanditaire"], buyer, taux_etat=50, enveloppe=enveloppe)
    from cnfs.passnum import services

    services.carnets_attribuer(actor=users["commanditaire"], commande=commande, distributeur=distributeur, nombre=2)
    place = f.LieuQualifieFactory(lieu=LieuFactory(commune=etienne))
    place_lyon = f.LieuQualifieFactory(lieu=LieuFactory(commune=lyon))
    unqualified = LieuFactory(commune=etienne)
    users["lieu"] = f.member(Role.LIEU_PASS, place.lieu_id)
    users["lieu_lyon"] = f.member(Role.LIEU_PASS, place_lyon.lieu_id)
    users["lieu_non_qualifie"] = f.member(Role.LIEU_PASS, unqualified.pk)
    return {
        "buyer": buyer,
        "distributeur": distributeur,
        "enveloppe": enveloppe,
        "commande": commande,
        "place": place,
        "place_lyon": place_lyon,
        "unqualified": unqualified,
        "users": users,
        "codes": list(commande.cheques.order_by("id").values_list("code", flat=True)),
    }
