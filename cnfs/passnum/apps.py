from django.apps import AppConfig


class PassnumConfig(AppConfig):
    name = "cnfs.passnum"
    label = "passnum"
    verbose_name = "Pass numérique"

    def ready(self):
        from cnfs.core.enums import Role
        from cnfs.core.spaces import SECTION_INTROS, SECTIONS, SpaceCard

        cards = {
            Role.COMMANDITAIRE: [
                SpaceCard(
                    "Mes commandes de pass numériques",
                    "Commander des carnets, les émettre, les imprimer et les remettre aux distributeurs.",
                    "passnum:commanditaire",
                ),
                SpaceCard(
                    "Qualification des lieux",
                    "Instruire les demandes des lieux de votre territoire.",
                    "passnum:qualifications",
                ),
            ],
            Role.DISTRIBUTEUR: [
                SpaceCard(
                    "Carnets à distribuer",
                    "Les carnets reçus, ceux que vous avez remis, par public.",
                    "passnum:distributeur",
                )
            ],
            Role.LIEU_PASS: [
                SpaceCard("Mon lieu pass numérique", "Qualification, chèques encaissés par mois.", "passnum:lieu"),
                SpaceCard("Encaisser un chèque", "Saisir ou scanner le code d’un chèque.", "passnum:encaisser"),
            ],
            Role.ANCT: [
                SpaceCard(
                    "Pass numérique",
                    "Qualification des lieux, commandes, cofinancement de l’État.",
                    "passnum:national",
                )
            ],
        }
        for role, role_cards in cards.items():
            existing = {card.url_name for card in SECTIONS[role]}
            SECTIONS[role].extend(card for card in role_cards if card.url_name not in existing)
        SECTION_INTROS.setdefault(Role.COMMANDITAIRE, "Vos commandes de pass numériques et leurs carnets.")
        SECTION_INTROS.setdefault(Role.DISTRIBUTEUR, "Les carnets de pass numériques à remettre aux personnes.")
        SECTION_INTROS.setdefault(Role.LIEU_PASS, "Les pass numériques acceptés par votre lieu.")
