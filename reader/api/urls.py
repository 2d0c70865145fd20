from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("documents", views.DocumentViewSet, basename="document")
router.register("sources", views.SourceViewSet, basename="source")
router.register("notes", views.NoteViewSet, basename="note")
router.register("citations", views.CitationViewSet, basename="citation")

urlpatterns = [
    path("passages/", views.PassageSearchView.as_view(), name="passages"),
    path(
        "sources/<str:slug>/pages/<str:label>/", views.SourcePageView.as_view(), name="source-page"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
