"""Demo pass numérique around the Loire (42): a buyer (the Département), two distributors (CAF, CCAS), a State
envelope for the year, one qualified place and one pending application, an order of booklets issued, partly handed
out and partly redeemed — all through the services, so that envelopes, statuses and the audit log agree.

Three demo accounts are added: `commanditaire@…`, `distributeur@…`, `lieu.pass@…`. Idempotent: buyers and
distributors are keyed by SIRET or name, the order by its label; an order that exists is left as it is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cnfs.core.enums import Role, ScopeType
from cnfs.demo import DemoContext, accounts
from cnfs.lieux.models import Lieu
from cnfs.passnum import services
from cnfs.passnum.enums import (
    PublicCible,
    ServicePass,
    StatutCarnet,
    StatutCheque,
    StatutQualification,
    TypeCommanditaire,
    TypeDistributeur,
    TypeTerritoire,
)
from cnfs.passnum.models import Carnet, Cheque, Commande, Commanditaire, Distributeur, EnveloppeEtat, LieuQualifie
from cnfs.recrutement.validators import luhn_valid
from cnfs.territoires.models import Departement

ORDER_LABEL = "Pass numériques Loire — démonstration"
CARNETS = 20
ATTRIBUES = 12
DISTRIBUES = 6
ENCAISSES = 9


def _siret(n: int) -> str:
    def keyed(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))

    return keyed(keyed(f"{84000000 + n:08d}") + f"{n:04d}")


def demo_iban(n: int) -> str:
    """A French IBAN with a correct check key (bank 30006, branch 00001, account number from `n`)."""
    bban = f"3000600001{n:011d}00"
    key = 98 - int(bban + "152700") % 97  # "FR" → 15 27, key placeholder 00
    return f"FR{key:02d}{bban}"


def _account(ctx: DemoContext, key: str, role: str, object_id: str, label: str) -> None:
    spec = accounts.AccountSpec(key, role, ScopeType.ORGANISATION, note="pass numérique")
    user = accounts._save_user(spec, ctx)
    accounts._sync_roles(user, spec, {"object_id": object_id})
    ctx.accounts[key] = user
    rows = ctx.shared.setdefault("account_rows", [])
    row = (Role(role).label, spec.email, label)
    rows[:] = [r for r in rows if r[1] != spec.email] + [row]


def seed(ctx: DemoContext) -> None:
    departement = ctx.shared.get("departement") or Departement.objects.filter(code=accounts.DEPARTEMENT).first()
    anct = ctx.accounts.get("anct")
    lieux = list(
        Lieu.objects.filter(commune__departement__code=accounts.DEPARTEMENT)
        .select_related("commune__departement", "commune__region")
        .order_by("source_id", "id")[:2]
    )
    if departement is None or anct is None or len(lieux) < 2:
        ctx.warn("Pass numérique : il faut le département 42, le compte « anct » et deux lieux dans la Loire.")
        return
    commanditaire, _ = Commanditaire.objects.update_or_create(
        siret=_siret(1), defaults={"nom": "Département de la Loire", "type": TypeCommanditaire.DEPARTEMENT}
    )
    caf, _ = Distributeur.objects.update_or_create(
        nom="CAF de la Loire", defaults={"type": TypeDistributeur.CAF, "departement": departement}
    )
    Distributeur.objects.update_or_create(
        nom="CCAS de Saint-Étienne", defaults={"type": TypeDistributeur.MAIRIE, "departement": departement}
    )
    year = timezone.localdate().year
    enveloppe, _ = EnveloppeEtat.objects.get_or_create(
        annee=year, region=None, defaults={"libelle": f"Cofinancement pass numérique {year}", "montant": 50_000_000}
    )
    lieu, autre = lieux
    _account(ctx, "commanditaire", Role.COMMANDITAIRE, str(commanditaire.pk), f"Commanditaire : {commanditaire}")
    _account(ctx, "distributeur", Role.DISTRIBUTEUR, str(caf.pk), f"Distributeur : {caf}")
    _account(ctx, "lieu_pass", Role.LIEU_PASS, str(lieu.pk), f"Lieu : {lieu.nom}")

    qualification = LieuQualifie.objects.filter(lieu=lieu).first()
    if qualification is None:
        qualification = services.qualification_demander(
            actor=ctx.accounts["lieu_pass"],
            lieu=lieu,
            siret=_siret(2),
            services=[ServicePass.PREMIERS_PAS, ServicePass.DEMARCHES, ServicePass.SECURITE],
            iban=demo_iban(1),
            bic="AGRIFRPP",
            titulaire_compte=lieu.nom[:200],
        )
    if qualification.statut != StatutQualification.QUALIFIEE:
        services.qualification_decider(actor=anct, qualification=qualification, decision="qualifier")
    if not LieuQualifie.objects.filter(lieu=autre).exists():
        LieuQualifie.objects.create(
            lieu=autre,
            siret=_siret(3),
            services=[ServicePass.PREMIERS_PAS, ServicePass.COURRIELS],
            iban=demo_iban(2),
            bic="CEPAFRPP",
            titulaire_compte=autre.nom[:200],
        )

    commande = Commande.objects.filter(commanditaire=commanditaire, libelle=ORDER_LABEL).first()
    if commande is None:
        commande = services.commande_create(
            actor=ctx.accounts["commanditaire"],
            commanditaire=commanditaire,
            libelle=ORDER_LABEL,
            territoire_type=TypeTerritoire.DEPARTEMENTS,
            territoire_codes=[departement.code],
            publics=[PublicCible.SENIORS, PublicCible.DEMANDEURS_EMPLOI],
            nb_carnets=ctx.scale.count(CARNETS),
            cheques_par_carnet=10,
            valeur_faciale=1000,
            date_debut_validite=datetime.date(year, 1, 1),
            taux_etat=50,
            enveloppe=enveloppe,
        )
        services.commande_emettre(actor=ctx.accounts["commanditaire"], commande=commande)
        services.carnets_attribuer(
            actor=ctx.accounts["commanditaire"],
            commande=commande,
            distributeur=caf,
            nombre=ctx.scale.count(ATTRIBUES),
        )
        carnets = list(
            Carnet.objects.filter(commande=commande, statut=StatutCarnet.ATTRIBUE).order_by("numero")[:DISTRIBUES]
        )
        publics = [PublicCible.SENIORS, PublicCible.DEMANDEURS_EMPLOI, PublicCible.MINIMA_SOCIAUX]
        for i, carnet in enumerate(carnets):
            services.carnets_distribuer(
                actor=ctx.accounts["distributeur"], carnet_ids=[carnet.pk], public=publics[i % len(publics)]
            )
        for code in (
            Cheque.objects.filter(carnet__in=carnets, statut=StatutCheque.DISTRIBUE)
            .order_by("id")
            .values_list("code", flat=True)[:ENCAISSES]
        ):
            services.cheque_encaisser(code=code, lieu=lieu, user=ctx.accounts["lieu_pass"])
    ctx.report("commandes de pass numériques", Commande.objects.filter(commanditaire=commanditaire).count())
    ctx.report("chèques émis", Cheque.objects.filter(commande__commanditaire=commanditaire).count())
    ctx.report("chèques encaissés", Cheque.objects.filter(statut=StatutCheque.UTILISE).count())
