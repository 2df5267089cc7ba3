from django.apps import AppConfig


class RecrutementConfig(AppConfig):
    name = "cnfs.recrutement"
    label = "recrutement"
    verbose_name = "Recrutement des conseillers numériques"

    def ready(self):
        from cnfs.core.enums import Role
        from cnfs.core.spaces import SECTIONS, SpaceCard

        cards = {
            Role.STRUCTURE: [
                SpaceCard(
                    "Demandes de postes et recrutements",
                    "Déposer une demande, trouver des candidats près de chez vous, suivre vos recrutements.",
                    "recrutement:structure_espace",
                )
            ],
            Role.PREFECTURE: [
                SpaceCard(
                    "Demandes de postes du territoire",
                    "Les demandes des structures de votre département et votre avis sur chacune.",
                    "recrutement:prefecture_demandes",
                )
            ],
            Role.HUB: [
                SpaceCard(
                    "Recrutement dans vos départements",
                    "Les demandes, les structures d’accueil et les recrutements des départements de votre hub.",
                    "recrutement:hub_territoire",
                ),
                SpaceCard(
                    "Demandes de postes du territoire",
                    "Les demandes des structures de vos départements, l’avis des préfectures et la carte.",
                    "recrutement:prefecture_demandes",
                ),
            ],
            Role.ANCT: [
                SpaceCard(
                    "Comité de sélection",
                    "Sessions du comité, décisions et postes accordés aux structures.",
                    "recrutement:comite_index",
                ),
                SpaceCard(
                    "Recrutements et ruptures à valider",
                    "Valider les recrutements saisis par les structures et les ruptures de contrat.",
                    "recrutement:validations",
                ),
            ],
            Role.CANDIDAT: [
                SpaceCard(
                    "Ma candidature",
                    "Votre profil, votre CV et les structures qui vous ont pré-sélectionné·e.",
                    "recrutement:candidature_profil",
                ),
                SpaceCard(
                    "Structures qui recrutent près de chez moi",
                    "Les structures qui ont encore des postes à pourvoir dans votre rayon de déplacement.",
                    "recrutement:candidature_structures",
                ),
                SpaceCard(
                    "Mes messages",
                    "Les messages des structures qui vous ont pré-sélectionné·e.",
                    "recrutement:candidature_messages",
                ),
            ],
        }
        from cnfs.recrutement.cards import FILE_CARDS

        for role, role_cards in [*cards.items(), *FILE_CARDS.items()]:
            existing = {card.url_name for card in SECTIONS[role]}
            SECTIONS[role].extend(card for card in role_cards if card.url_name not in existing)

        from cnfs.core.navigation import PUBLIC_ITEMS, NavItem

        if not any(item.url_name == "recrutement:inscription_candidat" for item in PUBLIC_ITEMS):
            PUBLIC_ITEMS.append(NavItem("Devenir conseiller numérique", "recrutement:inscription_candidat"))
