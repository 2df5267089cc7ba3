from django.apps import AppConfig


class ActiviteConfig(AppConfig):
    name = "cnfs.activite"
    label = "activite"
    verbose_name = "Activité des conseillers numériques"
