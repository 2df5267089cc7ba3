from django.apps import AppConfig


class ActiviteConfig(AppConfig):
    name = "cnfs.activite"
    label = "activite"
    verbose_name = "Activité des conseillers numériques"

    def ready(self):
        from cnfs.activite.ateliers.registry import register as register_ateliers

        register_ateliers()
