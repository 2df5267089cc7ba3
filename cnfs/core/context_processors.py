from django.conf import settings

from cnfs.core.navigation import items_for


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_CONFIG": None,
        "nav_items": items_for(request.user, request.path) if hasattr(request, "user") else [],
    }
