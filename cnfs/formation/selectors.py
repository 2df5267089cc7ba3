"""Reads of the training app: the recruitment → training → field funnel by territory, organisation spaces and
an advisor's training record. The evaluation pages reuse `funnel` and `funnel_by_departement`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from cnfs.formation.enums import BlocCertification, NatureModule, ResultatBloc
from cnfs.formation.models import DemandeVAE, Inscription, OrganismeFormation, PassageBloc, SessionFormation
from cnfs.recrutement.enums import STATUTS_POSTE_OCCUPE, EtapeConseiller
from cnfs.recrutement.models import Candidature
from cnfs.territoires.models import Departement, Hub, Region

E = EtapeConseiller
ETAPES_FUNNEL = (E.RECRUTE, E.EN_FORMATION, E.EN_POSTE)


@dataclass(frozen=True)
class Territoire:
    """National (all fields empty), or one région, one département or one hub."""

    region: str | None = None  # INSEE code
    departement: str | None = None  # INSEE code
    hub: int | None = None  # pk
    departements: tuple[str, ...] | None = None  # a set of départements (the scope of a territorial agent)

    @property
    def national(self) -> bool:
        return not (self.region or self.departement or self.hub) and self.departements is None

    def label(self) -> str:
        if self.departements is not None:
            return f"Vos départements : {', '.join(sorted(self.departements)) or 'aucun'}"
        if self.departement:
            found = Departement.objects.filter(code=self.departement).first()
            return f"Département : {found or self.departement}"
        if self.region:
            found = Region.objects.filter(code=self.region).first()
            return f"Région : {found or self.region}"
        if self.hub:
            found = Hub.objects.filter(pk=self.hub).first()
            return f"Hub : {found or self.hub}"
        return "France entière"


@dataclass(frozen=True)
class Funnel:
    """Advisors recruited (all of recruited, in training, in the field), of whom in training, of whom in the field."""

    recrutes: int = 0
    en_formation: int = 0
    en_poste: int = 0

    @property
    def en_attente(self) -> int:
        """Recruited, training not started yet."""
        return self.recrutes - self.en_formation - self.en_poste


DEP = "mises_en_relation__structure__commune__departement"
COUNTS = {
    "recrutes": Count("pk", distinct=True),
    "en_formation": Count("pk", filter=Q(etape=E.EN_FORMATION), distinct=True),
    "en_poste": Count("pk", filter=Q(etape=E.EN_POSTE), distinct=True),
}


def _hosted_in(territoire: Territoire) -> Q:
    """Advisors whose one match occupying a post is with a structure of the territory."""
    condition = Q(mises_en_relation__statut__in=STATUTS_POSTE_OCCUPE)
    if territoire.departement:
        condition &= Q(**{f"{DEP}__code": territoire.departement})
    if territoire.region:
        condition &= Q(**{f"{DEP}__region__code": territoire.region})
    if territoire.hub:
        condition &= Q(**{f"{DEP}__hubs": territoire.hub})
    if territoire.departements is not None:
        condition &= Q(**{f"{DEP}__code__in": list(territoire.departements)})
    return condition


def advisors_in(territoire: Territoire) -> QuerySet[Candidature]:
    """Recruited advisors of a territory. Territory = the département of the structure that employs them
    (their one match occupying a post); national counts everyone by stage, host or not."""
    queryset = Candidature.objects.filter(etape__in=ETAPES_FUNNEL)
    if territoire.national:
        return queryset
    return queryset.filter(_hosted_in(territoire))


def funnel(territoire: Territoire | None = None) -> Funnel:
    """Recruited → in training → in the field, for one territory, in one query."""
    counts = advisors_in(territoire or Territoire()).aggregate(**COUNTS)
    return Funnel(**counts)


@dataclass
class FunnelRow:
    code: str
    nom: str
    funnel: Funnel


def funnel_by_departement(territoire: Territoire | None = None) -> list[FunnelRow]:
    """The funnel per host département within a territory (départements without any advisor left out)."""
    territoire = territoire or Territoire()
    rows = (
        Candidature.objects.filter(Q(etape__in=ETAPES_FUNNEL) & _hosted_in(territoire))
        .values(f"{DEP}__code", f"{DEP}__nom")
        .annotate(**COUNTS)
        .order_by(f"{DEP}__code")
    )
    return [
        FunnelRow(
            r[f"{DEP}__code"],
            r[f"{DEP}__nom"],
            Funnel(r["recrutes"], r["en_formation"], r["en_poste"]),
        )
        for r in rows
    ]


# --- Organisation space ------------------------------------------------------------------------------------------


def organismes_overview(queryset: QuerySet[OrganismeFormation]) -> QuerySet[OrganismeFormation]:
    return queryset.annotate(
        nb_stagiaires=Count("inscriptions__candidature", distinct=True),
        nb_sessions=Count("sessions", distinct=True),
    ).order_by("nom", "id")


def organisme_sessions(organisme: OrganismeFormation) -> QuerySet[SessionFormation]:
    return (
        organisme.sessions.select_related("module").annotate(nb_inscrits=Count("inscriptions")).order_by("-date_debut")
    )


def organisme_inscriptions(organisme: OrganismeFormation) -> QuerySet[Inscription]:
    """Every training record of the organisation's trainees, with what the list page shows."""
    return (
        Inscription.objects.filter(organisme=organisme)
        .select_related("candidature", "module", "session")
        .order_by("candidature__nom", "candidature__prenom", "module__nature", "module__ordre", "id")
    )


def organisme_trainee_ids(organisme: OrganismeFormation) -> set[int]:
    return set(Inscription.objects.filter(organisme=organisme).values_list("candidature_id", flat=True))


# --- An advisor's record -----------------------------------------------------------------------------------------


@dataclass
class TrainingRecord:
    candidature: Candidature
    initiale: list[Inscription] = field(default_factory=list)
    continue_: list[Inscription] = field(default_factory=list)
    passages: list[PassageBloc] = field(default_factory=list)
    demandes_vae: list[DemandeVAE] = field(default_factory=list)

    @property
    def heures_prevues(self) -> Decimal:
        return sum((i.heures_prevues for i in self.initiale), Decimal(0))

    @property
    def heures_realisees(self) -> Decimal:
        return sum((i.heures_realisees for i in self.initiale), Decimal(0))

    @property
    def blocs(self) -> list[dict]:
        """Each block of the title with its best result so far (admitted wins over any other attempt)."""
        rows = []
        for value, label in BlocCertification.choices:
            attempts = [p for p in self.passages if p.bloc == value]
            admis = next((p for p in attempts if p.resultat == ResultatBloc.ADMIS), None)
            rows.append({"code": value, "libelle": label, "admis": admis, "tentatives": attempts})
        return rows

    @property
    def titre_obtenu(self) -> bool:
        return all(row["admis"] is not None for row in self.blocs)


def training_record(candidature: Candidature) -> TrainingRecord:
    """Everything about one advisor's training, in four queries."""
    inscriptions = list(
        candidature.inscriptions.select_related("module", "organisme", "session").order_by(
            "module__nature", "module__ordre", "date_debut", "id"
        )
    )
    return TrainingRecord(
        candidature=candidature,
        initiale=[i for i in inscriptions if i.module.nature == NatureModule.INITIALE],
        continue_=[i for i in inscriptions if i.module.nature == NatureModule.CONTINUE],
        passages=list(candidature.passages_blocs.select_related("organisme").order_by("bloc", "date_passage")),
        demandes_vae=list(candidature.demandes_vae.all()),
    )


def vae_to_decide() -> QuerySet[DemandeVAE]:
    return DemandeVAE.objects.filter(statut__in=["deposee", "recevable"]).select_related("candidature")


def hours_by_organisme() -> QuerySet[OrganismeFormation]:
    return OrganismeFormation.objects.annotate(
        heures_realisees=Sum("inscriptions__heures_realisees"), heures_prevues=Sum("inscriptions__heures_prevues")
    )
