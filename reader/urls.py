from __future__ import annotations

from django.urls import path

from . import analyst_views, editor_views, library_views, views

app_name = "reader"

urlpatterns = [
    path("", views.index, name="index"),
    path("health/", views.health, name="health"),
    path("language/<str:code>/", views.switch_language, name="language"),
    path("documents/new/", editor_views.new_document, name="document_new"),
    path("documents/<str:slug>/", views.document, name="document"),
    path("documents/<str:slug>/import/", editor_views.reimport_document, name="document_import"),
    path("documents/<str:slug>/check/", views.document_check, name="document_check"),
    path("documents/<str:slug>/claims/", views.claim_ledger, name="claim_ledger"),
    path("documents/<str:slug>/notes/<int:number>/fix/", library_views.fix_note, name="fix_note"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<str:slug>/", views.source, name="source"),
    path("sources/<str:slug>/pages/<str:label>/", views.source_page, name="source_page"),
    path("sources/<str:slug>/file/", views.source_file, name="source_file"),
    path("sources/<str:slug>/view/", views.source_viewer, name="source_viewer"),
    path("sources/<str:slug>/merge/", library_views.merge_source, name="merge_source"),
    path("sources/<str:slug>/upload/", analyst_views.attach_source_file, name="attach_source_file"),
    path("passages/<int:pk>/original/", analyst_views.align_passage, name="align_passage"),
]
