"""cnfs as an OpenID Connect provider for online services (through FranceConnect): "using a mandate".

- `scopes`: `openid` plus one scope per démarche, `demarche:<code>` (e.g. `demarche:logement`);
- `services`: the usager choice, the pairwise `sub`, the claims, the journal of uses and refusals;
- `validator`: django-oauth-toolkit's validator, subclassed for single-use codes and the usager's claims;
- `views`/`urls`: the endpoints under /aidants-connect/oidc/.
"""
