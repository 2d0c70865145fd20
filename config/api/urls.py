"""The API at /api/ (namespace "api"): every app's endpoints, one router for their viewsets (and
its root view), the token endpoint, the schema and its documentation page."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from annotations.api import urls as annotations_api
from reader.api import urls as reader_api
from search.api import urls as search_api

from .auth import TokenView
from .errors import JSONErrors

router = DefaultRouter()
for prefix, viewset, basename in [*reader_api.ROUTES, *annotations_api.ROUTES]:
    router.register(prefix, viewset, basename=basename)
# The API root lists them as it always has: the reader's passages after the annotations.
router.registry.sort(key=lambda route: route[0] == "source-passages")


class SchemaView(JSONErrors, SpectacularAPIView):
    """The OpenAPI schema; its errors (a method not allowed) in the API's JSON."""


class DocsView(JSONErrors, SpectacularSwaggerSplitView):
    """The schema's documentation page (templates/drf_spectacular/: no inline style); its errors
    in the API's JSON."""


urlpatterns = [
    *search_api.urlpatterns,
    *reader_api.urlpatterns,
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
