from django.urls import path

from cnfs.core.views import compte, espace, otp, public

app_name = "core"

urlpatterns = [
    path("", public.home, name="home"),
    path("connexion/", public.login_view, name="login"),
    path("deconnexion/", public.logout_view, name="logout"),
    path("mon-espace/", espace.mon_espace, name="mon_espace"),
    # Mon compte
    path("mon-compte/", compte.mon_compte, name="mon_compte"),
    path("mon-compte/mot-de-passe/", compte.password_change, name="password_change"),
    path("mon-compte/double-authentification/activer/", otp.otp_enrol, name="otp_enrol"),
    path("mon-compte/double-authentification/verifier/", otp.otp_verify, name="otp_verify"),
    path("mon-compte/double-authentification/codes-de-secours/", otp.otp_backup_codes, name="otp_backup_codes"),
    path("mon-compte/double-authentification/<int:pk>/supprimer/", otp.otp_device_remove, name="otp_device_remove"),
    # Password reset by e-mail
    path("mot-de-passe-oublie/", compte.password_reset, name="password_reset"),
    path("mot-de-passe-oublie/envoye/", compte.password_reset_done, name="password_reset_done"),
    path("mot-de-passe-oublie/<uidb64>/<token>/", compte.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe-oublie/termine/", compte.password_reset_complete, name="password_reset_complete"),
]
