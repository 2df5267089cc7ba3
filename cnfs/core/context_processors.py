from django.conf import settings

from cnfs.core.navigation import items_for


def site(request):
    # django-csp's nonce is lazy and falsy until first read, and django-dsfr's `dsfr_js` template only writes the
    # nonce attribute `{% if self.nonce %}`: read it here so the scripts carry the nonce that the header announces.
    nonce = getattr(request, "csp_nonce", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_CONFIG": None,
        "CSP_NONCE": str(nonce) if nonce is not None else "",
        "nav_items": items_for(request.user, request.path) if hasattr(request, "user") else [],
    }
