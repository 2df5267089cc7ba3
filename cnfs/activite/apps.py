from django.apps import AppConfig


class ActiviteConfig(AppConfig):
    name = "cnfs.activite"
    label = "activite"
    verbose_name = "Activité des conseillers numériques"

    def ready(self):
        from cnfs.core.enums import Role
        from cnfs.core.spaces import SECTIONS, SpaceCard

        cards = {
            Role.CONSEILLER: [
                SpaceCard(
                    "Comptes rendus d’activité",
                    "Saisir un accompagnement en quelques secondes, retrouver et corriger vos comptes rendus.",
                    "activite:cra_liste",
                ),
                SpaceCard(
                    "Bénéficiaires suivis",
                    "Les personnes suivies nominativement avec leur consentement, et la fusion des doublons.",
                    "activite:beneficiaires",
                ),
            ],
            Role.COORDINATEUR: [
                SpaceCard(
                    "Comptes rendus d’activité",
                    "Vos comptes rendus et ceux des conseillers de votre structure.",
                    "activite:cra_liste",
                )
            ],
        }
        for role, role_cards in cards.items():
            existing = {card.url_name for card in SECTIONS[role]}
            SECTIONS[role].extend(card for card in role_cards if card.url_name not in existing)
