from __future__ import annotations

from .views import AnnotationViewSet

ROUTES = [
    ("annotations", AnnotationViewSet, "annotation"),
]
