"""The analyst's desk. Who may see it: any logged-in user (an anonymous visitor is sent to log in);
each sees their own notes, and among the claims to check only notes visible to them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.models import Team
from reader.models import Document

from .api.filters import AnnotationFilter
from .models import Annotation, Tag

DESK_PAGE_SIZE = 25
DESK_FILTERS = ("document", "tag", "judgement", "visibility", "team", "state", "resolved", "q")


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """My annotations across documents, newest first, filtered as the API's list is (the same
    FilterSet, `author=me`); the claims to check; export links for what the filters show."""
    chosen = {name: request.GET.get(name, "").strip() for name in DESK_FILTERS}
    given = {name: value for name, value in chosen.items() if value}  # an empty select: any
    filters = AnnotationFilter(
        {**given, "author": "me"}, queryset=_notes(request.user), request=request
    )
    notes = (
        filters.qs.order_by("-created", "-id")
        if filters.is_valid()
        else _notes(request.user).none()
    )
    page = Paginator(notes, DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    mine = Annotation.objects.filter(author_id=request.user.pk)
    export = reverse("api:annotation-export")
    context = {
        "page": page,
        "errors": filters.errors,
        "chosen": chosen,
        "filtered": bool(given),
        "documents": Document.objects.filter(annotations__in=mine).distinct().order_by("title"),
        "tags": Tag.objects.filter(annotations__in=mine).distinct(),
        "teams": Team.objects.of(request.user).select_related("group"),
        "judgements": Annotation.Judgement.choices,
        "visibilities": Annotation.Visibility.choices,
        "states": Annotation.State.choices,
        "exports": [
            (label, f"{export}?{urlencode({**given, 'author': 'me', 'format': fmt})}")
            for fmt, label in (("markdown", "Markdown"), ("jsonld", "JSON-LD"), ("csv", "CSV"))
        ],
        "page_query": urlencode(given),
        "to_check": _claims_to_check(request.user),
    }
    return render(request, "annotations/desk.html", context)


def _notes(user: Any) -> QuerySet[Annotation]:
    return (
        Annotation.objects.visible_to(user)
        .select_related("document", "team__group", "claim__note")
        .prefetch_related("tags")
        .distinct()
    )


def _claims_to_check(user: Any) -> QuerySet[Annotation]:
    """Notes the user may see that judge a claim as needing checking, in threads still open,
    on claims no one has given a verdict on since (supported or disputed, in a note the user may
    see): a checked claim leaves the list."""
    open_thread = Q(resolved__isnull=True) & (
        Q(parent__isnull=True) | Q(parent__resolved__isnull=True)
    )
    verdict_since = Annotation.objects.visible_to(user).filter(
        claim=OuterRef("claim"),
        created__gt=OuterRef("created"),
        deleted=False,
        judgement__in=[Annotation.Judgement.SUPPORTED, Annotation.Judgement.DISPUTED],
    )
    return (
        Annotation.objects.visible_to(user)
        .filter(open_thread, judgement=Annotation.Judgement.NEEDS_CHECKING, deleted=False)
        .filter(~Exists(verdict_since))
        .select_related("document", "author", "claim__note", "claim__document")
        .order_by("document__title", "start", "id")
    )
