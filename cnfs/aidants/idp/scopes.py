"""Scopes of the provider: `openid` and exactly one démarche per request, as `demarche:<code>`."""

from oauth2_provider.scopes import BaseScopes

from cnfs.aidants.enums import Demarche

DEMARCHE_PREFIX = "demarche:"


def demarche_scopes() -> dict[str, str]:
    return {f"{DEMARCHE_PREFIX}{d.value}": f"Démarche « {d.label} »" for d in Demarche}


def demarches_in(scopes) -> list[str]:
    """The démarche codes named by `demarche:…` scopes (known or not)."""
    return [s[len(DEMARCHE_PREFIX) :] for s in scopes if s.startswith(DEMARCHE_PREFIX)]


class DemarcheScopes(BaseScopes):
    def get_all_scopes(self):
        return {"openid": "Identité de l’usager (OpenID Connect)", **demarche_scopes()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return list(self.get_all_scopes())

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return ["openid"]
