from django.apps import AppConfig


class LieuxConfig(AppConfig):
    name = "cnfs.lieux"
    label = "lieux"
    verbose_name = "Lieux de médiation numérique"

    def ready(self):
        from cnfs.core.enums import Role
        from cnfs.core.spaces import SECTIONS, SpaceCard
        from cnfs.lieux.maillage.registration import register as register_maillage

        register_maillage()
        mine = SpaceCard("Mes lieux", "Les lieux de médiation numérique de votre structure.", "lieux:gestion_liste")
        seen = SpaceCard("Lieux", "Les lieux de médiation numérique de votre territoire.", "lieux:gestion_liste")
        for role, card in ((Role.STRUCTURE, mine), (Role.ANCT, seen), (Role.PREFECTURE, seen), (Role.HUB, seen)):
            if card not in SECTIONS[role]:
                SECTIONS[role].append(card)
