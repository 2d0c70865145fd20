"""What a passage search returns."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from config.api.fields import absolute


class PassageHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="entry.pk")
    kind = serializers.CharField(source="entry.kind")
    document = serializers.CharField(source="entry.document.slug", default=None, allow_null=True)
    source = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.source
        source="entry.source.slug", default=None, allow_null=True
    )
    source_page = serializers.CharField(
        source="entry.source_page.label", default=None, allow_null=True
    )
    note = serializers.IntegerField(
        source="entry.note.number",
        default=None,
        allow_null=True,
        help_text="The number of the note, for a hit in a note.",
    )
    language = serializers.CharField(source="entry.language")
    text = serializers.CharField(source="entry.text")
    snippet = serializers.CharField(help_text="HTML-escaped text around the hits, hits in <mark>.")
    url = serializers.SerializerMethodField()
    score = serializers.FloatField()

    def get_url(self, hit: Any) -> str:
        return absolute(self.context, hit.entry.url)
