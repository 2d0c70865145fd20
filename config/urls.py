from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from . import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include(("config.api.urls", "api"))),
    path("inbox/", include("annotations.inbox_urls")),
    path("", include("annotations.urls")),
    path("moderation/", include("annotations.moderation_urls")),
    path("", include("search.urls")),
    path("", include("reader.urls")),
]

handler400 = "reader.views.bad_request"
handler404 = "reader.views.not_found"
handler500 = "reader.views.server_error"
