from __future__ import annotations

from django.urls import path

from . import analyst_views, editor_views, views

app_name = "reader"

urlpatterns = [
    path("", views.index, name="index"),
    path("health/", views.health, name="health"),
    path("language/<str:code>/", views.switch_language, name="language"),
    path("documents/new/", editor_views.new_document, name="document_new"),
    path("documents/<str:slug>/", views.document, name="document"),
    path("documents/<str:slug>/import/", editor_views.reimport_document, name="document_import"),
    path("documents/<str:slug>/check/", views.document_check, name="document_check"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<str:slug>/", views.source, name="source"),
    path("sources/<str:slug>/pages/<str:label>/", views.source_page, name="source_page"),
    path("passages/<int:pk>/original/", analyst_views.align_passage, name="align_passage"),
]
