from django.apps import AppConfig


class PassnumConfig(AppConfig):
    name = "cnfs.passnum"
    label = "passnum"
    verbose_name = "Pass numérique"
