from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cnfs.core"
    label = "core"
    verbose_name = "Socle : comptes, rôles et journal"
