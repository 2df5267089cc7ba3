from django.apps import AppConfig


class FinancementConfig(AppConfig):
    name = "cnfs.financement"
    label = "financement"
    verbose_name = "Financement : enveloppes, conventions, versements et mobilier"

    def ready(self):
        from cnfs.core.enums import Role
        from cnfs.core.spaces import SECTIONS, SpaceCard
        from cnfs.financement import signals

        signals.connect()
        cards = {
            Role.ANCT: [
                SpaceCard(
                    "Budget du programme",
                    "Enveloppes, montants engagés, versés et restants par région et département ; exports.",
                    "financement:tableau_de_bord",
                ),
                SpaceCard(
                    "Conventions et versements",
                    "Conventions des structures, signature, échéancier et paiements.",
                    "financement:conventions",
                ),
                SpaceCard(
                    "Aides au mobilier",
                    "Catalogue du mobilier et demandes d’aide des lieux : décision et versement.",
                    "financement:mobilier_demandes",
                ),
            ],
            Role.STRUCTURE: [
                SpaceCard(
                    "Ma convention et mes versements",
                    "La subvention de l’État pour vos postes, l’échéancier et les aides au mobilier de vos lieux.",
                    "financement:structure_espace",
                )
            ],
            Role.PREFECTURE: [
                SpaceCard(
                    "Financement du territoire",
                    "Conventions, subventions engagées et versées, aides au mobilier de votre département.",
                    "financement:territoire",
                )
            ],
            Role.HUB: [
                SpaceCard(
                    "Financement du territoire",
                    "Conventions, subventions engagées et versées, aides au mobilier de vos départements.",
                    "financement:territoire",
                )
            ],
        }
        for role, role_cards in cards.items():
            existing = {card.url_name for card in SECTIONS[role]}
            SECTIONS[role].extend(card for card in role_cards if card.url_name not in existing)
