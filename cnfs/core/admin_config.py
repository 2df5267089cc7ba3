from django.contrib.admin.apps import AdminConfig


class CnfsAdminConfig(AdminConfig):
    """The admin app with our site: a verified second factor is required (see `core.admin_site`)."""

    default_site = "cnfs.core.admin_site.CnfsAdminSite"
