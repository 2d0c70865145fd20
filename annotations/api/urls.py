from __future__ import annotations

from .notifications import NotificationViewSet
from .views import AnnotationViewSet

ROUTES = [
    ("annotations", AnnotationViewSet, "annotation"),
    ("notifications", NotificationViewSet, "notification"),
]
