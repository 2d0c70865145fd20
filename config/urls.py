from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include(("config.api.urls", "api"))),
    path("", include("search.urls")),
    path("", include("reader.urls")),
]

handler400 = "reader.views.bad_request"
handler404 = "reader.views.not_found"
handler500 = "reader.views.server_error"
