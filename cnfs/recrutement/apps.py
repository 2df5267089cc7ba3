from django.apps import AppConfig


class RecrutementConfig(AppConfig):
    name = "cnfs.recrutement"
    label = "recrutement"
    verbose_name = "Recrutement des conseillers numériques"
