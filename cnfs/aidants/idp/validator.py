"""django-oauth-toolkit's validator for Aidants Connect: single-use codes tied to the chosen authorisation, and the
usager's identity (not the aidant's) in the id_token and userinfo."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import revoke_access_token
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from cnfs.aidants.idp import services
from cnfs.aidants.models import UtilisationMandat


class AidantsConnectValidator(OAuth2Validator):
    # Every claim goes with the `openid` scope: the démarche scope is what the service asked for.
    oidc_claim_scope = None

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        """Authorization code only: no refresh, no client credentials, no password."""
        return grant_type == "authorization_code" and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type == "code" and super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs
        )

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        """The code is issued only with the authorisation the aidant chose (set by the authorize view)."""
        autorisation = getattr(request, "cnfs_autorisation", None)
        if autorisation is None:
            raise errors.AccessDeniedError(request=request)
        with transaction.atomic():
            super().save_authorization_code(client_id, code, request, *args, **kwargs)
            services.usage_record(
                application=request.client, user=request.user, autorisation=autorisation, code=code["code"]
            )

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """Known, not expired, never exchanged before (claimed atomically), authorisation and aidant still valid.

        A replayed code also revokes the tokens its first exchange gave (RFC 6749, section 4.1.2)."""
        usage = (
            UtilisationMandat.objects.select_related("application", "aidant_user", "autorisation__mandat__usager")
            .filter(code_hash=services.code_digest(code), application=client)
            .first()
        )
        if usage is None:
            return False
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            if usage.echange_le is None:
                services.usage_refused(usage, "code_expire")
            else:
                self._replayed(usage)
            return False
        claimed = UtilisationMandat.objects.filter(pk=usage.pk, echange_le__isnull=True).update(
            echange_le=timezone.now()
        )
        if not claimed:
            self._replayed(usage)
            return False
        reason = services.usage_still_valid(usage)
        if reason:
            services.usage_refused(usage, reason)
            return False
        request.cnfs_usage = usage
        return True

    def _replayed(self, usage: UtilisationMandat) -> None:
        services.usage_refused(usage, "code_rejoue")
        usage.refresh_from_db(fields=["access_token"])
        if usage.access_token is not None:
            revoke_access_token(usage.access_token)

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, *args, **kwargs):
        confirmed = super().confirm_redirect_uri(client_id, code, redirect_uri, client, *args, **kwargs)
        request = kwargs.get("request") or (args[0] if args else None)
        usage = getattr(request, "cnfs_usage", None)
        if not confirmed and usage is not None:
            services.usage_refused(usage, "redirect_uri_differente")
        return confirmed

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        access = super()._create_access_token(expires, request, token, source_refresh_token)
        usage = getattr(request, "cnfs_usage", None)
        if usage is not None:
            UtilisationMandat.objects.filter(pk=usage.pk).update(access_token=access)
            services.usage_journal(usage)
        return access

    def get_claim_dict(self, request):
        usage = getattr(request, "cnfs_usage", None)
        if usage is None:
            usage = (
                UtilisationMandat.objects.select_related("application", "autorisation__mandat__usager")
                .filter(access_token=getattr(request, "access_token", None))
                .first()
            )
        if usage is None:
            raise errors.InvalidGrantError(request=request)
        return services.identity_claims(usage)
