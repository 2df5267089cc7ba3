from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    name = "cnfs.territoires"
    label = "territoires"
    verbose_name = "Territoires"
