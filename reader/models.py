"""The domain: sources and their pages, commentaries with their blocks, notes, citations and claims.

Offsets everywhere are Unicode code points over a block's plain text, note markers excluded.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .caching import forget
from .pages import PageRange
from .rendering import render_markdown


class Source(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF document")
        WEB = "web", _("Web page")
        CHAPTER = "chapter", _("Book chapter")
        ARTICLE = "article", _("Article")

    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    title = models.CharField(_("title"), max_length=500)
    author = models.CharField(_("author or issuer"), max_length=300, blank=True)
    issued = models.CharField(_("date as printed"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WEB)
    language = models.CharField(_("language"), max_length=10, default="en")
    url = models.URLField(_("URL"), max_length=500, blank=True)
    container = models.CharField(_("in (book, series)"), max_length=300, blank=True)
    editor = models.CharField(_("editor"), max_length=200, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    reference = models.TextField(_("reference as first cited"), blank=True)
    # The file its pages were imported from (reader.importers.source), kept through the storage
    # API and served at /sources/<slug>/file/; named by its SHA-256, which is also its ETag.
    file = models.FileField(_("file"), upload_to="sources/", max_length=300, blank=True)
    file_name = models.CharField(_("file name as given"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    # How the analyst said the file's pages are printed when it has no page labels of its own:
    # reader.pages.PageNumbering's ranges ([] for the file's own labels, or none given).
    page_numbering = models.JSONField(_("page numbering"), default=list, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reader:source", args=[self.slug])

    @property
    def is_pdf(self) -> bool:
        return self.kind == self.Kind.PDF or self.url.lower().endswith(".pdf")

    def pdf_page_number(self, label: str, pages: dict[str, int | None] | None = None) -> int | None:
        """Return the one-based PDF page that carries the printed page `label`.

        `pages` maps labels to zero-based PDF indexes when the caller has them at hand; without a
        mapping for the label, the printed number is taken as the PDF page, unless the file was
        imported (some page has an index): then the file has no such page.
        """
        if pages is None:
            pages = dict(self.pages.values_list("label", "pdf_index"))
        index = pages.get(label)
        if index is not None:
            return index + 1
        if any(index is not None for index in pages.values()):
            return None
        return int(label) if label.isdigit() else None

    def url_at_page(self, label: str, pages: dict[str, int | None] | None = None) -> str:
        """The work itself, opened at the page `label` when it is a PDF (the work when no label)."""
        if not self.url:
            return ""
        number = self.pdf_page_number(label, pages) if self.is_pdf and label else None
        return f"{self.url}#page={number}" if number else self.url

    @property
    def has_pdf_file(self) -> bool:
        return bool(self.file) and self.file_type == "application/pdf"

    def viewer_url(self, label: str, passage: int | None = None) -> str:
        """The stored PDF in the in-app viewer at the page `label`, finding the passage there
        (reader.views.source_viewer); "" without a stored PDF."""
        if not self.has_pdf_file:
            return ""
        query = urlencode({"page": label, **({"passage": passage} if passage else {})})
        return f"{reverse('reader:source_viewer', args=[self.slug])}?{query}"

    def page_view_url(self, label: str) -> str:
        """The reader's view of the page `label` of this source (of the source, when no label)."""
        if not label:
            return self.get_absolute_url()
        return reverse("reader:source_page", args=[self.slug, label])


class SourcePage(models.Model):
    source = models.ForeignKey(Source, models.CASCADE, related_name="pages")
    label = models.CharField(_("printed page"), max_length=20)
    # Zero-based index of the page in the PDF file, when the file has been imported.
    pdf_index = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "label"], name="unique_page_label"),
        ]
        ordering = ["source", "pdf_index", "id"]

    def __str__(self) -> str:
        return f"{self.source} p.{self.label}"

    def get_absolute_url(self) -> str:
        return self.source.page_view_url(self.label)

    @property
    def number(self) -> int | None:
        return int(self.label) if self.label.isdigit() else None


class SourceProcessingQuerySet(models.QuerySet["SourceProcessing"]):
    def latest_for(self, source: Source) -> SourceProcessing | None:
        return self.filter(source=source).order_by("-created", "-pk").first()

    def stalled(self) -> SourceProcessingQuerySet:
        """Running, but silent for longer than a step may take: its worker stopped (a restart, a
        killed process), so nothing will finish it unless it is queued again."""
        silent_since = timezone.now() - timedelta(seconds=settings.SOURCE_TASK_STALLED_SECONDS)
        return self.filter(status=SourceProcessing.Status.RUNNING, heartbeat__lt=silent_since)


class SourceProcessing(models.Model):
    """Reading a source's file in a task (reader.tasks): the state its progress bar shows, and
    what a retry or a rerun after an interrupted worker needs (the file as uploaded, kept in the
    storage until the work is done, its name as given and the printed number of its first page).

    `stages` holds every stage's progress in order, {"pages": [done, total], "sentences": [...]}:
    reading the pages here, and the long work of the apps above that receive the new text.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(Source, models.CASCADE, related_name="processings")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    stages = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    file = models.CharField(max_length=300, blank=True)  # the upload, in the storage
    file_name = models.CharField(max_length=255)
    first_page_label = models.CharField(max_length=20, blank=True)
    numbering = models.CharField(max_length=500, blank=True)  # reader.pages.PageNumbering
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)  # the last progress reported
    finished = models.DateTimeField(null=True, blank=True)

    objects = SourceProcessingQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat"], name="processing_status")]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.source} ({self.status})"

    @property
    def is_stalled(self) -> bool:
        if self.status != self.Status.RUNNING or self.heartbeat is None:
            return False
        silence = (timezone.now() - self.heartbeat).total_seconds()
        return silence > settings.SOURCE_TASK_STALLED_SECONDS

    @property
    def may_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stalled

    def report(self, stage: str, done: int, total: int) -> None:
        self.stage, self.heartbeat = stage, timezone.now()
        self.stages = {**self.stages, stage: [done, total]}
        self.save(update_fields=["stage", "stages", "heartbeat"])

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "stalled": self.is_stalled,
            "stage": self.stage,
            "stages": [
                {"stage": stage, "done": done, "total": total}
                for stage, (done, total) in self.stages.items()
            ],
            "error": self.error,
            "file_name": self.file_name,
            "attempts": self.attempts,
        }


class PageSentences(models.Model):
    """A source page's text cut into sentences, and their vectors from the evidence encoder
    (reader.evidence): float16 rows, one per sentence. Made again when the page's text or the
    encoder changes (`text_sha256`, `encoder`)."""

    page = models.OneToOneField(SourcePage, models.CASCADE, related_name="sentences")
    encoder = models.CharField(max_length=100)
    text_sha256 = models.CharField(max_length=64)
    sentences = models.JSONField(default=list)
    vectors = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.page}: {len(self.sentences)} sentences"


class TextVector(models.Model):
    """A text's vector from the evidence encoder (a claim's, a quotation's), kept so that the
    ledger need not encode it again; found by the SHA-256 of the text."""

    encoder = models.CharField(max_length=100)
    text_sha256 = models.CharField(max_length=64)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["encoder", "text_sha256"], name="unique_text_vector"),
        ]

    def __str__(self) -> str:
        return f"{self.encoder}:{self.text_sha256[:12]}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def citing(self, source: Source | int) -> DocumentQuerySet:
        """The documents with a note that cites the source."""
        return self.filter(pk__in=Note.objects.filter(citations__source=source).values("document"))

    def refresh_readers(self) -> int:
        """Make the reader show these documents, and the sources' pages, anew (reader.caching):
        a change to what they show besides a document's own text (a source's pages, an
        alignment) calls this."""
        slugs = list(self.values_list("slug", flat=True))
        forget(slugs, sources=True)
        return self.update(updated=timezone.now())


class Document(models.Model):
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    title = models.CharField(_("title"), max_length=500)
    series = models.CharField(_("series"), max_length=300, blank=True)
    number = models.CharField(_("number in series"), max_length=20, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="ja")
    disclaimer = models.TextField(_("disclaimer"), blank=True)
    revision = models.PositiveIntegerField(default=1)
    text_hash = models.CharField(max_length=64, blank=True)
    # What the last import found (counts, sources created or matched, notes to review).
    import_summary = models.JSONField(_("import summary"), default=dict, blank=True, editable=False)
    # Front-matter keys of a Markdown file that no field above holds (description, tags, …).
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reader:document", args=[self.slug])

    @property
    def series_label(self) -> str:
        return f"{self.series} No. {self.number}" if self.number else self.series

    def plain_text(self) -> str:
        """The text annotations count in: blocks joined by a blank line, note markers left out."""
        return "\n\n".join(self.blocks.values_list("text", flat=True))

    def claim_around(self, start: int, end: int) -> Claim | None:
        """The claim whose words hold the span [start, end) of plain_text(), if any."""
        offset = 0
        for block in self.blocks.only("pk", "text"):
            if offset <= start and end <= offset + len(block.text):
                return (
                    self.claims.filter(
                        block=block, start__lte=start - offset, end__gte=end - offset
                    )
                    .select_related("note")
                    .first()
                )
            offset += len(block.text) + 2
        return None


class Block(models.Model):
    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("Paragraph")
        QUOTE = "quote", _("Quotation")
        HEADING = "heading", _("Heading")

    document = models.ForeignKey(Document, models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARAGRAPH)
    anchor = models.CharField(max_length=20)
    text = models.TextField()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="unique_block_position"),
            models.UniqueConstraint(fields=["document", "anchor"], name="unique_block_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.document.slug}#{self.anchor}"

    def get_absolute_url(self) -> str:
        return f"{self.document.get_absolute_url()}#{self.anchor}"


class Note(models.Model):
    document = models.ForeignKey(Document, models.CASCADE, related_name="notes")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text=_("Markdown"))
    html = models.TextField(editable=False)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_note_number"),
        ]

    def __str__(self) -> str:
        return f"{self.document.slug} note {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.document.get_absolute_url()}#note-{self.number}"

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"


class SourcePassageQuerySet(models.QuerySet["SourcePassage"]):
    def on_page(self, page: SourcePage) -> list[SourcePassage]:
        """The passages whose pages cover the page (of any source: filter by source first)."""
        return [passage for passage in self if passage.pages.covers(page.label)]


class OnSourcePages:
    """What stands on a range of a source's pages: a passage, or a citation's locator."""

    @property
    def pages(self: _OnPages) -> PageRange:
        return PageRange(self.first_page, self.last_page)

    @property
    def pages_display(self: _OnPages) -> str:
        return str(PageRange(self.first_page, self.last_page))

    def page_view_url(self: _OnPages) -> str:
        """The reader's view of the first page (of the source, when there is none)."""
        return self.source.page_view_url(self.first_page)


class _OnPages(Protocol):
    first_page: str
    last_page: str

    @property
    def source(self) -> Source: ...


class SourcePassage(OnSourcePages, models.Model):
    class Provenance(models.TextChoices):
        ORIGINAL = "original", _("Original text")
        QUOTED_TRANSLATION = "quoted_translation", _("Translation quoted by a commentary")
        ANALYST_TRANSLATION = "analyst_translation", _("Analyst's translation")

    source = models.ForeignKey(Source, models.CASCADE, related_name="passages")
    first_page = models.CharField(max_length=20)
    last_page = models.CharField(max_length=20)
    text = models.TextField()
    language = models.CharField(max_length=10)
    provenance = models.CharField(max_length=30, choices=Provenance.choices)
    translator = models.CharField(max_length=200, blank=True)
    # The commentary block that quotes this passage, when it came from one.
    block = models.OneToOneField(
        Block, models.SET_NULL, null=True, blank=True, related_name="passage"
    )
    original = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="translations"
    )

    objects = SourcePassageQuerySet.as_manager()

    class Meta:
        ordering = ["source", "id"]

    def __str__(self) -> str:
        return f"{self.source} {self.pages_display}"


class CitationQuerySet(models.QuerySet["Citation"]):
    def of_page(self, page: SourcePage) -> CitationQuerySet:
        """Citations whose locator covers the page (PageRange.covers, in SQL): one of its ends,
        or a numeric range around it."""
        covers = Q(first_page=page.label) | Q(last_page=page.label)
        if page.number is not None:
            covers |= Q(first_number__lte=page.number, last_number__gte=page.number)
        return self.filter(covers, source=page.source_id)

    def claims(self) -> list[tuple[Claim, str]]:
        """Each claim that cites through these citations, with the pages as cited, by document
        and note."""
        pages = {citation.note_id: citation.pages_display for citation in self}
        claims = Claim.objects.filter(note__in=pages.keys()).select_related(
            "note", "document", "block"
        )
        return [
            (claim, pages[claim.note_id])
            for claim in claims.order_by("document__title", "note__number")
        ]


class Citation(OnSourcePages, models.Model):
    class Form(models.TextChoices):
        FULL = "full", _("Full reference")
        SHORT = "short", _("Short form")
        FIXED = "fixed", _("Set by an analyst")

    class How(models.TextChoices):
        FULL = "full", _("Read from a full reference")
        SHORT = "short", _("Short form of an earlier note")
        LIBRARY = "library", _("Found in the library")
        GUESSED = "guessed", _("Guessed")

    note = models.ForeignKey(Note, models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, models.PROTECT, related_name="citations")
    form = models.CharField(max_length=10, choices=Form.choices)
    # The locator as printed in the note ("p.20-21", "70-72頁"), and parsed.
    locator = models.CharField(max_length=50, blank=True)
    first_page = models.CharField(max_length=20, blank=True)
    last_page = models.CharField(max_length=20, blank=True)
    first_number = models.PositiveIntegerField(null=True, blank=True)
    last_number = models.PositiveIntegerField(null=True, blank=True)
    passage = models.ForeignKey(
        SourcePassage, models.SET_NULL, null=True, blank=True, related_name="citations"
    )
    # How the importer found the work, so that the reader and the ledger can say so.
    how = models.CharField(max_length=10, choices=How.choices, blank=True)
    how_note = models.PositiveIntegerField(
        null=True, blank=True, help_text="The note whose full reference a short form abbreviates."
    )

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["note", "id"]

    def __str__(self) -> str:
        return f"{self.note} → {self.source} {self.pages_display}".strip()

    def get_absolute_url(self) -> str:
        return self.note.get_absolute_url()

    @property
    def how_display(self) -> str:
        """How the importer found the work, as the reader says it (“short form of note 3”)."""
        if self.how == self.How.SHORT and self.how_note:
            return gettext("short form of note %(number)s") % {"number": self.how_note}
        return str(self.How(self.how).label) if self.how else ""

    @property
    def needs_a_look(self) -> bool:
        """Whether the reader should say how the work was found: it was not read from the note."""
        return self.how in (self.How.LIBRARY, self.How.GUESSED)

    def source_url_at_page(self, pages: dict[str, int | None] | None = None) -> str:
        """The work itself, at the first page cited when it is a PDF."""
        return self.source.url_at_page(self.first_page, pages)


class Claim(models.Model):
    class Judgement(models.TextChoices):
        """What an analyst judges of a claim (annotations record it, the ledger sums it up)."""

        SUPPORTED = "supported", _("Supported")
        DISPUTED = "disputed", _("Disputed")
        NEEDS_CHECKING = "needs_checking", _("Needs checking")

    document = models.ForeignKey(Document, models.CASCADE, related_name="claims")
    block = models.ForeignKey(Block, models.CASCADE, related_name="claims")
    note = models.ForeignKey(Note, models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["block__position", "end", "note__number"]

    def __str__(self) -> str:
        return f"{self.document.slug} claim {self.note.number}"

    def get_absolute_url(self) -> str:
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"claim-{self.note.number}"


class SourceAlias(models.Model):
    """The slug of a source merged into another: its old addresses redirect to the one kept."""

    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    source = models.ForeignKey(Source, models.CASCADE, related_name="aliases")
    title = models.CharField(max_length=500, blank=True)  # the merged source's, for the record
    merged = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "source aliases"

    def __str__(self) -> str:
        return f"{self.slug} → {self.source.slug}"


class CitationFix(models.Model):
    """An analyst's reading of a note the importer could not read, or read wrong: the source it
    cites and the pages. It holds for the note's text as it was when fixed (`note_hash`), so a
    re-import of the same revision keeps it and a rewritten note goes back to the importer."""

    document = models.ForeignKey(Document, models.CASCADE, related_name="citation_fixes")
    note_number = models.PositiveIntegerField()
    note_hash = models.CharField(max_length=64)
    source = models.ForeignKey(Source, models.CASCADE, related_name="+")
    locator = models.CharField(max_length=50, blank=True)
    first_page = models.CharField(max_length=20, blank=True)
    last_page = models.CharField(max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)  # among the note's fixed citations
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "note_number", "position", "id"]

    def __str__(self) -> str:
        return f"{self.document.slug} note {self.note_number} → {self.source.slug}"


class StaleCacheKey(models.Model):
    """A token of the shared cache (a scope's change mark, a document's annotation version) that a
    change could not renew because the cache did not answer: reader.caching renews it, and
    deletes this row, when the cache answers again."""

    key = models.CharField(max_length=250)
    recorded = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
