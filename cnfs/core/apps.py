from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cnfs.core"
    label = "core"
    verbose_name = "Socle : comptes, rôles et journal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from cnfs.core import checks  # noqa: F401  (registers the deployment checks)
        from cnfs.core.services.auth import logout_record

        def _on_logout(sender, request, user, **kwargs):
            logout_record(user=user, request=request)

        user_logged_out.connect(_on_logout, dispatch_uid="cnfs.core.audit_logout", weak=False)
