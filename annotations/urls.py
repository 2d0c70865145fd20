from __future__ import annotations

from django.urls import path

from . import views

app_name = "annotations"

urlpatterns = [
    path("annotations/", views.desk, name="desk"),
]
