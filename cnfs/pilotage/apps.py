from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "cnfs.pilotage"
    label = "pilotage"
    verbose_name = "Pilotage et évaluation"

    def ready(self):
        from cnfs.activite.signals import accompagnements_changed
        from cnfs.core.enums import Role
        from cnfs.core.navigation import PUBLIC_ITEMS, NavItem
        from cnfs.core.spaces import SECTIONS, SpaceCard
        from cnfs.pilotage.receivers import on_accompagnements_changed

        accompagnements_changed.connect(on_accompagnements_changed, dispatch_uid="pilotage_rollups")

        if not any(item.url_name == "pilotage:statistiques" for item in PUBLIC_ITEMS):
            PUBLIC_ITEMS.append(NavItem("Statistiques", "pilotage:statistiques"))
        descriptions = {
            Role.ANCT: "Indicateurs nationaux de l’activité, du recrutement au terrain, exports et rapport PDF.",
            Role.PREFECTURE: "L’activité des conseillers de votre département, ses indicateurs et ses exports.",
            Role.HUB: "L’activité des conseillers des départements de votre hub, ses indicateurs et ses exports.",
            Role.STRUCTURE: "L’activité de vos conseillers : accompagnements, thèmes, publics, exports.",
            Role.CONSEILLER: "Votre activité : accompagnements, ateliers, thèmes et publics, exports.",
            Role.COORDINATEUR: "L’activité des conseillers de votre structure, ses indicateurs et ses exports.",
        }
        for role, description in descriptions.items():
            if not any(card.url_name == "pilotage:tableau_de_bord" for card in SECTIONS[role]):
                SECTIONS[role].append(
                    SpaceCard("Tableau de bord de l’activité", description, "pilotage:tableau_de_bord")
                )
