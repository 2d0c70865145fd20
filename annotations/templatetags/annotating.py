"""The annotation layer of the reader's page: `{% annotator_for document as annotator %}` gives
what static/reader/annotate.js needs (handed over in a JSON block) and the annotation templates
show; the reader's views and templates build nothing of it themselves."""

from __future__ import annotations

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, is_analyst
from reader.models import Document

from ..api.serializers import MAX_BODY
from ..models import Annotation

register = template.Library()


@register.simple_tag(takes_context=True)
def annotator_for(context: template.Context, document: Document) -> dict[str, Any]:
    request = context["request"]
    if request.user.is_authenticated:  # never in the page cached for anonymous readers
        return _annotator(request, document)
    return _public_annotator(document)  # the same for every anonymous reader: read-only


def _public_annotator(document: Document) -> dict[str, Any]:
    """What annotate.js needs to show the public notes, read-only. The same for every anonymous
    reader (it goes into the page they share from the cache): nothing of a user, and no CSRF
    token (asking for one would set a cookie)."""
    return {
        "document": document.slug,
        "analyst": False,
        "urls": _urls(document),
        "visibilities": {
            value: label
            for value, label in Annotation.Visibility.choices
            if value != Annotation.Visibility.TEAM
        },
        "judgements": dict(Annotation.Judgement.choices),
        "timeZone": timezone.get_current_timezone_name(),
    }


def _annotator(request: Any, document: Document) -> dict[str, Any]:
    public = _public_annotator(document)
    teams = [{"slug": team.slug, "name": team.name} for team in Team.objects.of(request.user)]
    return {
        **public,
        "visibilities": dict(Annotation.Visibility.choices) if teams else public["visibilities"],
        "teams": teams,
        "user": request.user.get_username(),
        "analyst": is_analyst(request.user),
        "csrfToken": get_token(request),
        "maxBody": MAX_BODY,
        "urls": {**_urls(document), "preview": reverse("api:annotation-preview")},
    }


def _urls(document: Document) -> dict[str, str]:
    return {
        "document": reverse("api:document-detail", args=[document.slug]),
        "annotations": reverse("api:annotation-list"),
    }
