"""The JSON API: each app's `api.py` router, assembled under /api/v1/ with one OpenAPI description."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="API cnfs",
    version="1.0.0",
    description="API ouverte du programme national d'inclusion numérique.",
    urls_namespace="api-1",
)


@api.get("/health", auth=None, summary="État du service")
def health(request):
    return {"status": "ok"}


api.add_router("/communes", "cnfs.territoires.api.router")
