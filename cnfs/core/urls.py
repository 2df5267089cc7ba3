from django.urls import path

from cnfs.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
]
