from django.contrib import admin
from django.urls import include, path, re_path

from cnfs.api.api import api

urlpatterns = [
    path("", include("cnfs.core.urls")),
    path("", include("cnfs.lieux.urls")),
    path("", include("cnfs.recrutement.urls")),
    path("", include("cnfs.financement.urls")),
    path("", include("cnfs.formation.urls")),
    path("", include("cnfs.activite.urls")),
    path("", include("cnfs.pilotage.urls")),
    path("", include("cnfs.aidants.urls")),
    path("pass-numerique/", include("cnfs.passnum.urls")),
    path("aidants-connect/oidc/", include("cnfs.aidants.idp.urls")),  # ac-idp: OpenID Connect provider
    path("api/v1/", api.urls),
    re_path(r"^api/", api.not_found_view()),  # other API versions: JSON 404, not an HTML page
    path("admin/", admin.site.urls),
]

handler400 = "cnfs.core.views.errors.bad_request"
handler403 = "cnfs.core.views.errors.permission_denied"
handler404 = "cnfs.core.views.errors.page_not_found"
handler500 = "cnfs.core.views.errors.server_error"
