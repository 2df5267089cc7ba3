"""Sections of "Mon espace" by role. Each app registers the cards its users need."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from cnfs.core.enums import Role


@dataclass(frozen=True)
class SpaceCard:
    title: str
    description: str
    url_name: str

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


# role → cards. Apps append to these lists from their AppConfig.ready().
SECTIONS: dict[str, list[SpaceCard]] = {role.value: [] for role in Role}

SECTION_INTROS: dict[str, str] = {
    Role.ANCT: "Pilotage national du programme : comité de sélection, budget, référentiels.",
    Role.PREFECTURE: "Avis sur les demandes de postes et tableaux de bord de votre département.",
    Role.HUB: "Structures, conseillers et tableaux de bord des départements de votre hub.",
    Role.STRUCTURE: "Vos demandes de postes, recrutements, conventions et l’activité de vos conseillers.",
    Role.CANDIDAT: "Votre candidature et les structures qui recrutent près de chez vous.",
    Role.CONSEILLER: "Vos permanences, ateliers et comptes rendus d’activité.",
    Role.COORDINATEUR: "L’activité des conseillers que vous coordonnez.",
    Role.FORMATION: "Les parcours de formation de vos stagiaires.",
    Role.AIDANT: "Les usagers pour lesquels vous disposez d’un mandat actif.",
    Role.RESPONSABLE: "Les aidants, cartes TOTP et mandats de votre organisation.",
}
