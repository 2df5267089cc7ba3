"""Endpoints of the provider. Token, userinfo, JWKS and discovery are django-oauth-toolkit's own views; the
authorize view is ours: the aidant, signed in with a verified second factor, picks the usager."""

from __future__ import annotations

from urllib.parse import urlparse

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views.mixins import OAuthLibMixin

from cnfs.aidants.enums import Demarche
from cnfs.aidants.idp import services
from cnfs.aidants.recheck import totp_recent_required
from cnfs.core.errors import DomainError

TEMPLATE = "aidants/idp/choix_usager.html"
ERROR_TEMPLATE = "aidants/idp/erreur.html"


def _refusal(request, message: str, status: int):
    return render(request, ERROR_TEMPLATE, {"message": message}, status=status)


@method_decorator(never_cache, name="dispatch")
@method_decorator(totp_recent_required, name="dispatch")  # using a mandate is an act: 15-minute TOTP re-check
class AuthorizeView(OAuthLibMixin, View):
    """GET: the list of usagers with an active authorisation for the démarche; POST: the choice, then the code."""

    def _validated(self, request):
        """(scopes, credentials, démarche) of the request, or the response to give instead."""
        # The aidant and the démarche first: a refusal is then a French page (and a journal entry), not an OAuth
        # error sent back to the service. The parameters always travel in the query string (the form posts to it).
        client = request.GET.get("client_id", "")[:100]
        try:
            services.acting_aidant_check(request, client=client)
            demarche = services.requested_demarche(request.user, request.GET.get("scope", "").split(), client=client)
        except DomainError as error:
            return None, _refusal(request, error.message, 400 if error.code.startswith("demarche") else 403)
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return None, self._oauth_error(request, error)
        return (scopes, credentials, demarche), None

    def _oauth_error(self, request, error: OAuthToolkitError):
        """A wrong client or redirect_uri is never redirected to; other errors go back to the service."""
        oauthlib_error = error.oauthlib_error
        if isinstance(error, FatalClientError) or not oauthlib_error.redirect_uri:
            message = (
                "La demande du service en ligne n’est pas valable (service inconnu ou adresse de retour non "
                f"enregistrée). Aucune identité n’a été transmise. Détail technique : {oauthlib_error.error}."
            )
            return _refusal(request, message, 400)
        separator = "&" if "?" in oauthlib_error.redirect_uri else "?"
        return OAuth2ResponseRedirect(
            oauthlib_error.redirect_uri + separator + oauthlib_error.urlencoded,
            oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES,
        )

    def _page(self, request, demarche: str, credentials: dict, *, error: str = "", status: int = 200):
        from oauth2_provider.models import get_application_model

        application = get_application_model().objects.filter(client_id=credentials.get("client_id")).first()
        response = render(
            request,
            TEMPLATE,
            {
                "autorisations": services.autorisations_for_choice(request.user, demarche)[:200],
                "demarche_label": Demarche(demarche).label,
                "service": application.name if application else "",
                "error": error,
                "action": request.get_full_path(),
            },
            status=status,
        )
        # The form's answer redirects to the service: the Content-Security-Policy's form-action must allow its origin
        # (the redirect_uri, already checked against the registered ones).
        redirect_uri = urlparse(credentials.get("redirect_uri") or "")
        if redirect_uri.scheme and redirect_uri.netloc:
            response._csp_update = {"form-action": [f"{redirect_uri.scheme}://{redirect_uri.netloc}"]}
        return response

    def get(self, request, *args, **kwargs):
        validated, response = self._validated(request)
        if response is not None:
            return response
        _scopes, credentials, demarche = validated
        return self._page(request, demarche, credentials)

    def post(self, request, *args, **kwargs):
        validated, response = self._validated(request)
        if response is not None:
            return response
        scopes, credentials, demarche = validated
        client = credentials.get("client_id", "")
        if "refuser" in request.POST:
            try:
                self.create_authorization_response(request, " ".join(scopes), credentials, allow=False)
            except OAuthToolkitError as error:
                return self._oauth_error(request, error)
        try:
            autorisation = services.chosen_autorisation(
                request.user, request.POST.get("usager", ""), demarche, client=client
            )
        except DomainError as error:
            return self._page(request, demarche, credentials, error=error.message, status=403)
        credentials["cnfs_autorisation"] = autorisation
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request, " ".join(scopes), credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self._oauth_error(request, error)
        return OAuth2ResponseRedirect(uri, oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES)


authorize = AuthorizeView.as_view()
# The online service calls these directly (no session): client authentication or the bearer token is the check.
token = login_not_required(dot_views.TokenView.as_view())
userinfo = login_not_required(dot_views.UserInfoView.as_view())
jwks = login_not_required(dot_views.JwksInfoView.as_view())
discovery = login_not_required(dot_views.ConnectDiscoveryInfoView.as_view())
