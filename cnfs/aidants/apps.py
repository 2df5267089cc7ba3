from django.apps import AppConfig


class AidantsConfig(AppConfig):
    name = "cnfs.aidants"
    label = "aidants"
    verbose_name = "Aidants Connect"

    def ready(self):
        from cnfs.core.enums import Role
        from cnfs.core.spaces import SECTIONS, SpaceCard

        cards = {
            Role.AIDANT: [
                SpaceCard(
                    "Mes usagers et mandats",
                    "Les usagers dont votre organisation détient un mandat actif ; créer, renouveler, révoquer.",
                    "aidants:aidant_espace",
                ),
                SpaceCard(
                    "Mon journal",
                    "Tous les actes que vous avez réalisés, tels que le journal infalsifiable les a enregistrés.",
                    "aidants:aidant_journal",
                ),
            ],
            Role.RESPONSABLE: [
                SpaceCard(
                    "Mon organisation",
                    "Les aidants de votre organisation, ses mandats et quelques chiffres.",
                    "aidants:responsable_espace",
                )
            ],
            Role.ANCT: [
                SpaceCard(
                    "Habilitations Aidants Connect",
                    "Instruire les demandes d’habilitation des organisations et habiliter les aidants formés.",
                    "aidants:anct_demandes",
                )
            ],
        }
        for role, role_cards in cards.items():
            existing = {card.url_name for card in SECTIONS[role]}
            SECTIONS[role].extend(card for card in role_cards if card.url_name not in existing)
