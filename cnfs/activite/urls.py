from django.urls import include, path

app_name = "activite"

urlpatterns = [
    path("", include("cnfs.activite.ateliers.urls")),
]
