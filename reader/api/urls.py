"""The reader's endpoints: documents, notes, citations, sources, their pages and passages."""

from __future__ import annotations

from django.urls import path

from . import bibliography, ledger, views
from .alignment import SourcePassageViewSet

ROUTES = [
    ("documents", views.DocumentViewSet, "document"),
    ("sources", bibliography.SourceViewSet, "source"),
    ("notes", views.NoteViewSet, "note"),
    ("citations", views.CitationViewSet, "citation"),
    ("source-passages", SourcePassageViewSet, "source-passage"),
]

urlpatterns = [
    path(
        "sources/<str:slug>/pages/<str:label>/", views.SourcePageView.as_view(), name="source-page"
    ),
    path(
        "documents/<str:slug>/bibliography/",
        bibliography.DocumentBibliographyView.as_view(),
        name="document-bibliography",
    ),
    path("documents/<str:slug>/claims/", ledger.ClaimLedgerView.as_view(), name="document-claims"),
]
