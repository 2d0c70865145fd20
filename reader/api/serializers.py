"""Output serializers of the read API (the API only reads these objects; imports write them).
Every object carries `url`: its place in the reader."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import AbsoluteURLField, absolute
from reader.models import Block, Citation, Claim, Document, Note, Source, SourcePage, SourcePassage


class BlockSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    offset = serializers.SerializerMethodField(help_text="Where the block starts in `text`.")

    class Meta:
        model = Block
        fields = ["anchor", "position", "kind", "text", "offset", "url"]

    def get_offset(self, block: Block) -> int:
        return self.context["offsets"][block.pk]


class CitationSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    document: serializers.SlugRelatedField[Document] = serializers.SlugRelatedField(
        source="note.document", slug_field="slug", read_only=True
    )
    note = serializers.IntegerField(source="note.number", read_only=True)
    source: serializers.SlugRelatedField[Source] = serializers.SlugRelatedField(  # type: ignore[assignment]  # named like Field.source
        slug_field="slug", read_only=True
    )
    source_title = serializers.CharField(source="source.title", read_only=True)
    pages = serializers.CharField(source="pages_display", read_only=True)
    source_page_url = serializers.SerializerMethodField()
    source_url_at_page = serializers.SerializerMethodField()

    class Meta:
        model = Citation
        fields = [
            "id", "document", "note", "source", "source_title", "form", "locator", "first_page",
            "last_page", "pages", "passage", "source_page_url", "source_url_at_page", "url", "how",
            "how_note",
        ]  # fmt: skip

    def get_source_page_url(self, citation: Citation) -> str | None:
        if not citation.first_page:
            return None
        return absolute(self.context, citation.page_view_url())

    def get_source_url_at_page(self, citation: Citation) -> str:
        return citation.source_url_at_page()


class NoteSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    document: serializers.SlugRelatedField[Document] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Note
        fields = ["id", "document", "number", "text", "html", "citations", "url"]


class ClaimSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    note = serializers.IntegerField(source="note.number", read_only=True)
    block = serializers.CharField(source="block.anchor", read_only=True)

    class Meta:
        model = Claim
        fields = ["note", "block", "start", "end", "text", "url"]


class DocumentListSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    slug = serializers.CharField(read_only=True, help_text="May hold non-ASCII letters.")

    class Meta:
        model = Document
        fields = [
            "slug", "title", "series", "number", "author", "affiliation", "date", "language",
            "revision", "url",
        ]  # fmt: skip


class SummarySourceSerializer(serializers.Serializer[dict[str, Any]]):
    slug = serializers.CharField()
    title = serializers.CharField()
    created = serializers.BooleanField(help_text="False: an existing source was matched.")


class SummaryShortFormSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.IntegerField()
    source = serializers.CharField(  # type: ignore[assignment]  # named like Field.source
        help_text="The slug of the source it was matched to."
    )
    title = serializers.CharField()
    locator = serializers.CharField()


class SummaryReviewSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.IntegerField()
    reason = serializers.CharField()


class ImportSummarySerializer(serializers.Serializer[dict[str, Any]]):
    blocks = serializers.IntegerField()
    paragraphs = serializers.IntegerField()
    quotations = serializers.IntegerField()
    headings = serializers.IntegerField()
    notes = serializers.IntegerField()
    claims = serializers.IntegerField()
    citations = serializers.IntegerField()
    sources = SummarySourceSerializer(many=True)
    short_forms = SummaryShortFormSerializer(many=True)
    to_review = SummaryReviewSerializer(
        many=True, help_text="Notes kept without a citation: what could not be read as one."
    )
    metadata = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Front-matter keys kept as the document's metadata (Markdown).",
    )
    dropped = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="What the file held that is not text, dropped and counted: "
        "comments, attributes, templates, images, code, html.",
    )


class DocumentSerializer(DocumentListSerializer):
    text = serializers.SerializerMethodField(
        help_text="The plain text: blocks joined by a blank line, note markers left out. "
        "Positions count Unicode code points in it."
    )
    blocks = serializers.SerializerMethodField()
    notes = NoteSerializer(many=True, read_only=True)
    claims = serializers.SerializerMethodField()
    import_summary = serializers.SerializerMethodField(
        help_text="What the last import found; empty for a document that was not imported."
    )

    class Meta(DocumentListSerializer.Meta):
        fields = [
            *DocumentListSerializer.Meta.fields,
            "disclaimer",
            "text",
            "blocks",
            "notes",
            "claims",
            "import_summary",
            "metadata",
        ]

    def get_text(self, document: Document) -> str:
        return document.plain_text()

    @extend_schema_field(BlockSerializer(many=True))
    def get_blocks(self, document: Document) -> list[dict[str, Any]]:
        offsets, position = {}, 0
        for block in document.blocks.all():
            offsets[block.pk] = position
            position += len(block.text) + 2
        context = {**self.context, "offsets": offsets}
        return list(BlockSerializer(document.blocks.all(), many=True, context=context).data)

    @extend_schema_field(ImportSummarySerializer(allow_null=True))
    def get_import_summary(self, document: Document) -> dict[str, Any] | None:
        return document.import_summary or None

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, document: Document) -> list[dict[str, Any]]:
        claims = document.claims.select_related("note", "block", "document")
        return list(ClaimSerializer(claims, many=True, context=self.context).data)


class SourcePassageSerializer(serializers.ModelSerializer):
    pages = serializers.CharField(source="pages_display", read_only=True)
    quoted_in = serializers.SerializerMethodField()

    class Meta:
        model = SourcePassage
        fields = [
            "id", "first_page", "last_page", "pages", "language", "provenance", "translator",
            "text", "original", "quoted_in",
        ]  # fmt: skip

    def get_quoted_in(self, passage: SourcePassage) -> str | None:
        if passage.block is None:
            return None
        return absolute(self.context, passage.block.get_absolute_url())


class SourcePageListSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    pdf_page = serializers.SerializerMethodField(help_text="One-based page of the PDF file.")

    class Meta:
        model = SourcePage
        fields = ["label", "pdf_index", "pdf_page", "url"]

    def get_pdf_page(self, page: SourcePage) -> int | None:
        return (
            page.pdf_index + 1
            if page.pdf_index is not None
            else (page.number if page.number else None)
        )


class SourceSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    slug = serializers.CharField(read_only=True, help_text="May hold non-ASCII letters (李在明…).")
    source_url = serializers.CharField(source="url", read_only=True, help_text="The work itself.")

    class Meta:
        model = Source
        fields = [
            "slug", "title", "author", "issued", "kind", "language", "container", "editor",
            "publisher", "reference", "source_url", "url",
        ]  # fmt: skip


class SourceDetailSerializer(SourceSerializer):
    pages = SourcePageListSerializer(many=True, read_only=True)
    passages = SourcePassageSerializer(many=True, read_only=True)

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "pages", "passages"]


class CitingClaimSerializer(serializers.Serializer):
    document = serializers.CharField(source="claim.document.slug")
    document_title = serializers.CharField(source="claim.document.title")
    note = serializers.IntegerField(source="claim.note.number")
    text = serializers.CharField(source="claim.text")
    pages = serializers.CharField()
    url = AbsoluteURLField(source="claim")


class SourcePageSerializer(SourcePageListSerializer):
    source: serializers.SlugRelatedField[Source] = serializers.SlugRelatedField(  # type: ignore[assignment]  # named like Field.source
        slug_field="slug", read_only=True
    )
    source_url_at_page = serializers.SerializerMethodField()
    passages = serializers.SerializerMethodField()
    cited_by = serializers.SerializerMethodField()

    class Meta(SourcePageListSerializer.Meta):
        fields = [
            *SourcePageListSerializer.Meta.fields,
            "source",
            "text",
            "source_url_at_page",
            "passages",
            "cited_by",
        ]

    def get_source_url_at_page(self, page: SourcePage) -> str:
        return page.source.url_at_page(page.label)

    @extend_schema_field(SourcePassageSerializer(many=True))
    def get_passages(self, page: SourcePage) -> list[dict[str, Any]]:
        passages = self.context["passages"]
        return list(SourcePassageSerializer(passages, many=True, context=self.context).data)

    @extend_schema_field(CitingClaimSerializer(many=True))
    def get_cited_by(self, page: SourcePage) -> list[dict[str, Any]]:
        rows = [{"claim": claim, "pages": pages} for claim, pages in self.context["cited_by"]]
        return list(CitingClaimSerializer(rows, many=True, context=self.context).data)
