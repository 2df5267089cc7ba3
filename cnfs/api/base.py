"""`CnfsNinjaAPI`: django-ninja's API with our rules built in.

- every route is reachable without a browser login (the API's own `auth` decides: deny by default);
- errors are JSON in French (see `errors.py`), including 405 and unknown routes under the API's prefix;
- the documentation page is ours (French, CSP-friendly) over Swagger UI as shipped by django-ninja's static files.
"""

from __future__ import annotations

import asyncio
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import URLPattern, path, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from cnfs.api.errors import MSG_METHOD, MSG_ROUTE_NOT_FOUND, install_error_handlers


class CnfsDocs(DocsBase):
    """Swagger UI from local static files; configuration in a JSON data block, code in external scripts (CSP)."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        swagger_settings = {
            "url": openapi_url,
            "layout": "BaseLayout",
            "deepLinking": False,  # True nests a link in each button (axe: nested-interactive)
            # The default validator is an external service: no call leaves the platform.
            "validatorUrl": None,
            "persistAuthorization": False,
        }
        context = {"api": api, "openapi_url": openapi_url, "swagger_settings": swagger_settings}
        return render(request, self.template, context)


def json_error_response(api: NinjaAPI, request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


def _fix_parameter_examples(schema) -> None:
    """ninja copies a field's `examples` list onto its Parameter Object, where OpenAPI 3.1 wants a map of Example
    Objects: convert, so that `Query(..., examples=[…])` in any router keeps the document valid."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                examples = parameter.get("examples")
                if isinstance(examples, list):
                    parameter["examples"] = {f"exemple{i}": {"value": v} for i, v in enumerate(examples, start=1)}


class CnfsNinjaAPI(NinjaAPI):
    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        install_error_handlers(self)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _fix_parameter_examples(schema)
        return schema

    def _json_405(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        allowed = response["Allow"]
        detail = MSG_METHOD.format(method=request.method, allowed=allowed)
        result = json_error_response(self, request, 405, detail)
        result["Allow"] = allowed
        return result

    def _wrap(self, view):
        """Open the view to anonymous requests (the API's auth decides) and answer 405 in JSON."""
        if asyncio.iscoroutinefunction(view):

            @wraps(view)
            async def wrapper(request, *args, **kwargs):
                response = await view(request, *args, **kwargs)
                if isinstance(response, HttpResponseNotAllowed):
                    return self._json_405(request, response)
                return response

        else:

            @wraps(view)
            def wrapper(request, *args, **kwargs):
                response = view(request, *args, **kwargs)
                if isinstance(response, HttpResponseNotAllowed):
                    return self._json_405(request, response)
                return response

        wrapper.login_required = False  # LoginRequiredMiddleware: the API answers 401 in JSON itself
        wrapper.csrf_exempt = True  # session auth checks CSRF itself (see auth.SessionCnfs)
        return wrapper

    def _index(self, request: HttpRequest, **kwargs) -> HttpResponse:
        root = request.path
        data = {
            "title": self.title,
            "version": self.version,
            "docs": f"{root}{self.docs_url.lstrip('/')}",
            "openapi": f"{root}{self.openapi_url.lstrip('/')}",
        }
        return self.create_response(request, data, status=200)

    def _not_found(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return json_error_response(self, request, 404, MSG_ROUTE_NOT_FOUND)

    def _get_urls(self):
        patterns = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                # ninja's root raises an HTML 404; ours says where the documentation is.
                pattern = path("", self._index, name="api-root")
            if isinstance(pattern, URLPattern):
                pattern.callback = self._wrap(pattern.callback)
            patterns.append(pattern)
        patterns.append(re_path(r"^.*$", self._wrap(self._not_found), name="not-found"))
        return patterns

    def not_found_view(self):
        """A view answering the API's JSON 404, for unknown addresses under /api/ outside this version."""
        return self._wrap(self._not_found)
