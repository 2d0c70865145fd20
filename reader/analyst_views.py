"""Pages where analysts change things: aligning a translated passage with the original text of
its source page. Plain forms posted with a CSRF token, so they work without JavaScript; the
source page view shows them to members of the analysts group."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from annotations.models import is_analyst

from .alignment import AlignmentError, add_original, align
from .models import SourcePage, SourcePassage
from .views import source_page_context


@require_POST
def align_passage(request: HttpRequest, pk: int) -> HttpResponse:
    """Align the translation `pk` with the text the analyst gives (found on the page), or undo
    the alignment (`remove`); then go back to the source page the form was on."""
    translation = get_object_or_404(SourcePassage.objects.select_related("source"), pk=pk)
    label = request.POST.get("page") or translation.first_page
    page = get_object_or_404(SourcePage, source=translation.source, label=label)
    page.source = translation.source
    if not request.user.is_authenticated:
        return redirect_to_login(page.get_absolute_url())
    if not is_analyst(request.user):
        raise PermissionDenied("Only members of the analysts group may align passages.")
    try:
        if request.POST.get("remove"):
            align(translation=translation, original=None)
        else:
            add_original(
                translation=translation,
                text=request.POST.get("text", ""),
                first_page=request.POST.get("first_page", ""),
                last_page=request.POST.get("last_page", ""),
            )
    except AlignmentError as error:
        context = source_page_context(request, page)
        for passage in context["passages"]:  # type: ignore[attr-defined]
            if passage.pk == pk:  # the form shows the error and keeps what was typed
                passage.align_error, passage.align_values = error, request.POST
        return render(request, "reader/source_page.html", context, status=400)
    return HttpResponseRedirect(f"{page.get_absolute_url()}#passage-{pk}")
