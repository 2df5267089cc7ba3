"""The JSON API: each app's `api.py` router, assembled under /api/v1/ with one OpenAPI description.

Deny by default: an endpoint without `auth=` needs an authenticated caller (session or API key); endpoints declare
`auth=role_auth(Role.X, …)` to require roles, `auth=None` to be public. See `cnfs/api/auth.py`.
"""

from cnfs.api.auth import authenticated
from cnfs.api.base import CnfsDocs, CnfsNinjaAPI
from cnfs.api.throttling import CallerRateThrottle

api = CnfsNinjaAPI(
    title="API cnfs",
    version="1.0.0",
    description=(
        "API ouverte du programme national d'inclusion numérique (Conseillers numériques France Services). "
        "Réponses et erreurs en JSON, messages en français."
    ),
    urls_namespace="api-1",
    docs=CnfsDocs(),
    auth=authenticated,
    throttle=[CallerRateThrottle()],
)

# --- Routers (one line per app; keep them at the bottom) --------------------------------------------------------
api.add_router("", "cnfs.api.system.router")
api.add_router("/communes", "cnfs.territoires.api.router")
api.add_router("/lieux/recherche", "cnfs.lieux.recherche.api.router")
api.add_router("/lieux", "cnfs.lieux.api.router")
api.add_router("/recrutement", "cnfs.recrutement.api.router")
api.add_router("/financement", "cnfs.financement.api.router")
api.add_router("/formation", "cnfs.formation.api.router")
api.add_router("/ateliers", "cnfs.activite.ateliers.api.router")
api.add_router("/statistiques", "cnfs.pilotage.api.router")
api.add_router("/pass-numerique", "cnfs.passnum.api.router")
