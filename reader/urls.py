from __future__ import annotations

from django.urls import path

from . import views

app_name = "reader"

urlpatterns = [
    path("", views.index, name="index"),
    path("health/", views.health, name="health"),
    path("search/", views.search_page, name="search"),
    path("language/<str:code>/", views.switch_language, name="language"),
    path("documents/<str:slug>/", views.document, name="document"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<str:slug>/", views.source, name="source"),
    path("sources/<str:slug>/pages/<str:label>/", views.source_page, name="source_page"),
]
