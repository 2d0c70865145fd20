"""The claim ledger of a document (reader.ledger) in the API: `/api/documents/{slug}/claims/`,
every claim with its evidence status and the judgements the caller may see. Who may use it: as
every read of the API (ReadPermission)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.permissions import ReadPermission
from reader.ledger import STATUSES, VERDICTS, filtered, ledger, ledger_rows
from reader.models import Claim, Document


class JudgementSerializer(serializers.Serializer):
    author = serializers.CharField()
    judgement = serializers.ChoiceField(choices=Claim.Judgement.choices)
    reason = serializers.CharField(allow_blank=True)


class FoundSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The source's slug.")  # type: ignore[assignment]
    page = serializers.CharField(help_text="The page's label, as printed.")
    text = serializers.CharField(help_text="A sentence of the page, or two adjacent ones.")
    score = serializers.FloatField(
        min_value=0, max_value=1, help_text="How close to the claim (a suggestion, 0..1)."
    )


class LedgerClaimSerializer(serializers.Serializer):
    note = serializers.IntegerField(help_text="The number of the claim's note.")
    claim = serializers.CharField(help_text="The claim's words.")
    url = serializers.URLField(help_text="The claim in the reader (#claim-N).")
    # Slugs as stored (reader.models.Source.slug), Japanese ones included: no ASCII pattern.
    sources = serializers.ListField(
        child=serializers.CharField(), help_text="The slugs of the cited sources."
    )
    pages = serializers.CharField(help_text="The pages cited, as printed.", allow_blank=True)
    status = serializers.ChoiceField(choices=list(STATUSES))
    reason = serializers.CharField(allow_blank=True, help_text="Why, and what to do.")
    evidence = FoundSerializer(
        many=True, help_text="The best sentences of the cited pages, best first (reader.evidence)."
    )
    elsewhere = FoundSerializer(
        many=True, help_text="Sentences of other pages of the source that score clearly higher."
    )
    verdict = serializers.ChoiceField(choices=list(VERDICTS))
    judgements = JudgementSerializer(many=True)


FILTERS = [
    OpenApiParameter("status", enum=list(STATUSES), description="Only claims of this status."),
    OpenApiParameter("verdict", enum=list(VERDICTS), description="Only claims of this verdict."),
    OpenApiParameter("source", description="Only claims citing this source (its slug)."),
]


class ClaimLedgerView(APIView):
    """Every claim of the document, in reading order, with its evidence status (`verified`,
    `evidence_found`, `page_mismatch`, `no_evidence`, `needs_alignment`, `defect`,
    `unverifiable`) and the reason, the sentences it rests on (`evidence`, `elsewhere`), the
    judgements of analysts the caller may see, and the verdict (`agreed`, `disputed`,
    `not_judged`)."""

    permission_classes = [ReadPermission]

    @extend_schema(parameters=FILTERS, responses=LedgerClaimSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        document = get_object_or_404(Document, slug=slug)
        for name, allowed in (("status", STATUSES), ("verdict", VERDICTS)):
            value = request.query_params.get(name, "")
            if value and value not in allowed:
                message = gettext("“%(value)s” is not one of %(allowed)s.")
                raise ValidationError(
                    {name: [message % {"value": value, "allowed": ", ".join(allowed)}]}
                )
        rows = filtered(ledger(document, request.user), request.query_params)
        return Response(ledger_rows(rows, request.build_absolute_uri))
