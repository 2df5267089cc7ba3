from django.apps import AppConfig


class LieuxConfig(AppConfig):
    name = "cnfs.lieux"
    label = "lieux"
    verbose_name = "Lieux de médiation numérique"
