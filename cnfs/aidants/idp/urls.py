"""Mounted at /aidants-connect/oidc/ under django-oauth-toolkit's namespace (its views reverse these names)."""

from django.urls import path, re_path

from cnfs.aidants.idp import views

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.authorize, name="authorize"),
    path("token/", views.token, name="token"),
    path("userinfo/", views.userinfo, name="user-info"),
    path(".well-known/jwks.json", views.jwks, name="jwks-info"),
    re_path(r"^\.well-known/openid-configuration/?$", views.discovery, name="oidc-connect-discovery-info"),
]
