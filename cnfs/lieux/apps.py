from django.apps import AppConfig


class LieuxConfig(AppConfig):
    name = "cnfs.lieux"
    label = "lieux"
    verbose_name = "Lieux de médiation numérique"

    def ready(self):
        from cnfs.lieux.maillage.registration import register as register_maillage

        register_maillage()
