from __future__ import annotations

from django.urls import path

from .views import PassageSearchView

urlpatterns = [
    path("passages/", PassageSearchView.as_view(), name="passages"),
]
