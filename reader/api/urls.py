from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import bibliography, views
from .alignment import SourcePassageViewSet
from .annotations import AnnotationViewSet

router = DefaultRouter()
router.register("documents", views.DocumentViewSet, basename="document")
router.register("sources", bibliography.SourceViewSet, basename="source")
router.register("notes", views.NoteViewSet, basename="note")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("source-passages", SourcePassageViewSet, basename="source-passage")

urlpatterns = [
    path("passages/", views.PassageSearchView.as_view(), name="passages"),
    path(
        "sources/<str:slug>/pages/<str:label>/", views.SourcePageView.as_view(), name="source-page"
    ),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path(
        "documents/<str:slug>/bibliography/",
        bibliography.DocumentBibliographyView.as_view(),
        name="document-bibliography",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
