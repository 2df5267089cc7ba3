from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "cnfs.formation"
    label = "formation"
    verbose_name = "Formation des conseillers numériques"

    def ready(self):
        from cnfs.core.enums import Role
        from cnfs.core.spaces import SECTIONS, SpaceCard

        cards = {
            Role.FORMATION: [
                SpaceCard(
                    "Sessions et stagiaires",
                    "Vos sessions de formation, vos stagiaires, la saisie des heures et des résultats, l’import CSV.",
                    "formation:organisme_espace",
                )
            ],
            Role.ANCT: [
                SpaceCard(
                    "Formation et entrée en poste",
                    "Recrutés, en formation, en poste : l’entonnoir par territoire, les organismes de formation.",
                    "formation:pilotage",
                )
            ],
            Role.PREFECTURE: [
                SpaceCard(
                    "Formation et entrée en poste",
                    "Recrutés, en formation, en poste : l’entonnoir des conseillers de votre département.",
                    "formation:pilotage",
                )
            ],
            Role.HUB: [
                SpaceCard(
                    "Formation et entrée en poste",
                    "Recrutés, en formation, en poste : l’entonnoir des conseillers de vos départements.",
                    "formation:pilotage",
                )
            ],
            Role.CONSEILLER: [
                SpaceCard(
                    "Ma formation",
                    "Votre parcours de formation, vos heures, vos blocs de certification et votre VAE.",
                    "formation:mon_parcours",
                )
            ],
            Role.CANDIDAT: [
                SpaceCard(
                    "Ma formation",
                    "Votre parcours de formation initiale une fois recruté·e.",
                    "formation:mon_parcours",
                )
            ],
        }
        for role, role_cards in cards.items():
            existing = {card.url_name for card in SECTIONS[role]}
            SECTIONS[role].extend(card for card in role_cards if card.url_name not in existing)
