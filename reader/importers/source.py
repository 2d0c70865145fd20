"""Import the file of a cited source: the text of each page, its printed label and its place in
the file, so that a citation of p.19 opens the PDF at the right page and shows what it says.

PDF files are read with pypdf; labels come from the PDF's own page labels when it has them (i, ii,
… then 1, 2, …), else from how the analyst says the file is numbered (reader.pages.PageNumbering:
"1–4: i, 5: 1"), kept with the source for the next import; by default the pages count from 1.
Plain text is cut into pages at form feeds (as pdftotext writes them); an HTML page is one page.
Reading happens before anything is stored, and storing is one transaction: a refused file changes
nothing.
"""

from __future__ import annotations

import hashlib
import html.parser
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from reader.models import Document, Source, SourcePage
from reader.pages import PageNumbering, PageRange, is_page_number
from reader.signals import source_text_changed

Progress = Callable[[int, int], None]  # pages read, of how many
# Work in stages (reading "pages"; the apps above: "sentences" embedded…): stage, done, total.
StageProgress = Callable[[str, int, int], None]

MAX_LABEL = SourcePage._meta.get_field("label").max_length or 20
HTML_START_RE = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml)", re.IGNORECASE)
# How far into a file a PDF header may sit (the PDF standard allows some junk before it).
PDF_HEADER_WINDOW = 1024


class SourceFileError(ValueError):
    """A source file that cannot be imported; the message says what is wrong and what to do."""


class EncryptedFileError(SourceFileError):
    """A PDF that needs a password (the command line can give one)."""


OWN_LABELS = "the PDF's page labels"


@dataclass
class ImportedPage:
    label: str
    index: int  # zero-based position in the file: the PDF page index for a PDF
    text: str


@dataclass
class SourceFile:
    kind: str  # "pdf", "html" or "text"
    pages: list[ImportedPage]
    labels_from: str  # where the printed labels came from, for the command's report
    unlabelled: list[int] = field(default_factory=list)  # indexes named pdf-N for want of a label
    numbering: PageNumbering | None = None  # how its pages were numbered, unless by themselves
    count: int = 0  # the pages the file has (only the first may have been read: `first_pages`)

    def __post_init__(self) -> None:
        self.count = self.count or len(self.pages)

    @property
    def own_labels(self) -> bool:
        """Whether the file numbers its pages itself (a PDF with page labels)."""
        return self.labels_from == OWN_LABELS


@dataclass
class SourceImportResult:
    source: Source
    file: SourceFile
    added: int
    updated: int
    detached: list[str]  # cited labels that the file does not have: kept, without text


def read_source_file(
    path: Path,
    *,
    first_page_label: str | None = None,
    numbering: PageNumbering | None = None,
    password: str | None = None,
    progress: Progress | None = None,
    first_pages: int | None = None,
) -> SourceFile:
    """Read the pages of a PDF, HTML or plain-text file; raise SourceFileError if it cannot be,
    and reader.pages.PageNumberingError if `numbering` (or `first_page_label`, the printed
    number of the first page, short for the numbering "1: label") cannot number its pages.

    With `first_pages`, read only the text of a PDF's first pages (what a request can afford:
    the file's kind, its page count and labels, and a preview; the other pages are numbered,
    without their text); the rest is a task's work."""
    if first_page_label is not None:
        _check_first_label(first_page_label)
        numbering = PageNumbering.starting_at(first_page_label)
    try:
        with path.open("rb") as file:
            head = file.read(PDF_HEADER_WINDOW)
    except FileNotFoundError as error:
        raise SourceFileError(
            gettext("%(path)s: no such file; check the path") % {"path": path}
        ) from error
    except IsADirectoryError as error:
        raise SourceFileError(
            gettext("%(path)s: is a directory; give the path of a file") % {"path": path}
        ) from error
    if not head.strip():
        raise SourceFileError(
            gettext("%(path)s: the file is empty; download it again") % {"path": path}
        )
    if b"%PDF-" in head:
        return _read_pdf(path, numbering, password, progress, first_pages)
    if path.suffix.lower() == ".pdf":
        if HTML_START_RE.match(head):
            message = gettext(
                "%(path)s: not a PDF file, but an HTML page (an error page saved as .pdf?) "
                "(no %%PDF- header); check that the download completed and gave the PDF itself"
            )
        else:
            message = gettext(
                "%(path)s: not a PDF file (no %%PDF- header); "
                "check that the download completed and gave the PDF itself"
            )
        raise SourceFileError(message % {"path": path})
    content = _read_text(path)
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or HTML_START_RE.match(head):
        return _pages_of("html", [html_text(content)], numbering, path)
    return _pages_of("text", _form_feed_pages(content), numbering, path)


def import_source(
    source: Source,
    path: Path,
    *,
    first_page_label: str | None = None,
    numbering: PageNumbering | None = None,
    password: str | None = None,
    progress: StageProgress | None = None,
    original_name: str | None = None,
) -> SourceImportResult:
    """Read the file, then replace the source's pages in one transaction, and keep the file
    (`original_name`: the name it was uploaded under, shown to readers) and the numbering its
    pages got (without one, the numbering the source keeps from the last import is used); then
    tell the apps above, which may report the progress of their own long work through `progress`.

    Pages keep their rows (and so every link to them) by label: an existing label gets the new
    index and text. A page that citations or passages name but the file lacks is kept without
    text and index; other pages the file no longer has are removed. Importing the same file again
    changes nothing more: a task interrupted half-way can run again.
    """
    if numbering is None and first_page_label is None:
        numbering = stored_numbering(source)
    report = progress or _unreported
    read = read_source_file(
        path,
        first_page_label=first_page_label,
        numbering=numbering,
        password=password,
        progress=lambda done, total: report("pages", done, total),
    )
    kept = keep_file(source, path, read.kind)
    try:
        with transaction.atomic():
            result = _store_pages(source, read)
            previous = result.source.file.name
            result.source.file.name = kept
            result.source.file_name = (original_name or path.name)[:255]
            result.source.file_type = CONTENT_TYPES[read.kind]
            result.source.file_sha256 = _name_hash(kept)
            result.source.page_numbering = read.numbering.to_json() if read.numbering else []
            result.source.save(
                update_fields=["file", "file_name", "file_type", "file_sha256", "page_numbering"]
            )
    except BaseException:
        if kept != source.file.name:
            default_storage.delete(kept)  # nothing refers to it
        raise
    if previous and previous != kept:
        # The new file replaced it once the pages are committed; until then it stays.
        transaction.on_commit(lambda: default_storage.delete(previous))
    # After the pages' transaction, so that the receivers' progress (written as they go) is seen
    # by the progress bar's requests; a receiver that fails leaves the pages stored, and the task
    # fails and is run again (its receivers redo their work for the source as a whole).
    source_text_changed.send(Source, source=result.source, progress=report)
    return result


def _unreported(stage: str, done: int, total: int) -> None:
    pass


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}
SUFFIXES = {"pdf": ".pdf", "html": ".html", "text": ".txt"}


def stored_numbering(source: Source) -> PageNumbering | None:
    """How the analyst said the source's file is numbered, at its last import (None: never)."""
    return PageNumbering.from_json(source.page_numbering) if source.page_numbering else None


def keep_file(source: Source, path: Path, kind: str) -> str:
    """Store the file through the storage API (settings.STORAGES["default"]) under a name made of
    its SHA-256, once: the same file imported again is not stored twice. Returns its name."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    name = f"sources/{source.pk}/{digest.hexdigest()}{SUFFIXES[kind]}"
    if not default_storage.exists(name):
        with path.open("rb") as file:
            stored = default_storage.save(name, File(file))
        if stored != name:  # the storage chose another name: a race with the same file
            default_storage.delete(stored)
    return name


def _name_hash(name: str) -> str:
    return Path(name).stem


def _store_pages(source: Source, read: SourceFile) -> SourceImportResult:
    source = Source.objects.select_for_update().get(pk=source.pk)
    existing = {page.label: page for page in source.pages.all()}
    updated, added = [], []
    for imported in read.pages:
        page = existing.pop(imported.label, None)
        if page is None:
            added.append(SourcePage(source=source, label=imported.label))
            page = added[-1]
        else:
            updated.append(page)
        page.pdf_index, page.text = imported.index, imported.text
    named = named_labels(source)
    detached = [page for label, page in existing.items() if label in named]
    for page in detached:
        page.pdf_index, page.text = None, ""
    SourcePage.objects.filter(
        pk__in=[page.pk for label, page in existing.items() if label not in named]
    ).delete()
    SourcePage.objects.bulk_update([*updated, *detached], ["pdf_index", "text"], batch_size=500)
    SourcePage.objects.bulk_create(added, batch_size=500)
    source.save(update_fields=["updated"])
    Document.objects.citing(source).refresh_readers()  # they show the pages' new text
    return SourceImportResult(
        source, read, len(added), len(updated), sorted(page.label for page in detached)
    )


def named_labels(source: Source) -> set[str]:
    """Every page label that a citation or a passage of the source names."""
    ranges = [
        *source.citations.values_list("first_page", "last_page"),
        *source.passages.values_list("first_page", "last_page"),
    ]
    return {label for first, last in ranges for label in PageRange(first, last).labels()}


# --- PDF ----------------------------------------------------------------------------------------


def _read_pdf(
    path: Path,
    numbering: PageNumbering | None,
    password: str | None,
    progress: Progress | None,
    first_pages: int | None = None,
) -> SourceFile:
    from pypdf._page_labels import index2label
    from pypdf.errors import DependencyError

    damaged = gettext(
        "the file is damaged or not a PDF; download it again, or repair it (qpdf, Acrobat)"
    )
    try:
        reader = _open_pdf(path, quick=first_pages is not None)
        if reader.is_encrypted and not reader.decrypt(password or ""):
            if password:
                message = gettext(
                    "%(path)s: the PDF is encrypted and the password given does not open it; "
                    "check the password, or import a copy saved without one"
                )
            else:
                message = gettext(
                    "%(path)s: the PDF is encrypted and it needs a password; "
                    "import a copy saved without one"
                )
            raise EncryptedFileError(message % {"path": path})
        if first_pages is None:
            pages = list(reader.pages)
            count = len(pages)
        else:
            pages = _first_pages(reader, first_pages)
            count = _page_count(reader, len(pages))
        has_labels = "/PageLabels" in reader.root_object
        printed = [index2label(reader, index) for index in range(len(pages))] if has_labels else []
    except SourceFileError:
        raise
    except DependencyError as error:
        raise SourceFileError(
            gettext("%(path)s: %(error)s; install it (pip install 'pypdf[crypto]')")
            % {"path": path, "error": error}
        ) from error
    except Exception as error:  # pypdf raises many kinds of error on a broken file
        reason = _reason(error)
        raise SourceFileError(
            gettext("%(path)s: cannot read the PDF (%(reason)s): %(advice)s")
            % {"path": path, "reason": reason, "advice": damaged}
        ) from error
    if count == 0:
        raise SourceFileError(
            gettext("%(path)s: the PDF has no pages; download it again") % {"path": path}
        )
    texts = []
    for index, page in enumerate(pages):
        try:
            texts.append(clean_text(page.extract_text()))
        except Exception as error:
            raise SourceFileError(
                gettext(
                    "%(path)s: cannot read the text of PDF page %(page)s (%(reason)s): %(advice)s"
                )
                % {"path": path, "page": index + 1, "reason": _reason(error), "advice": damaged}
            ) from error
        if progress:
            progress(index + 1, count)
    if not any(texts) and len(texts) == count:
        raise SourceFileError(
            gettext(
                "%(path)s: none of its %(count)s pages has any text (a scan?); run OCR on it "
                "(e.g. ocrmypdf in.pdf out.pdf) and import the result"
            )
            % {"path": path, "count": count}
        )
    if has_labels:
        read = _labelled("pdf", printed, texts, OWN_LABELS)
    else:  # every page is numbered; those not read (`first_pages`) have no text here
        read = _numbered("pdf", texts + [""] * (count - len(texts)), numbering)
    read.count = count
    return read


def _open_pdf(path: Path, quick: bool) -> Any:
    """pypdf's reader of the file. `quick`: without first checking where every object of the
    file starts (a second for 12,000 pages), unless the file needs that repair to open; what
    follows is read as leniently either way."""
    from pypdf import PdfReader

    if quick:
        try:
            reader = PdfReader(path, strict=True)
        except Exception:  # a file to repair: the lenient reader below does
            pass
        else:
            reader.strict = False
            return reader
    return PdfReader(path)


# Attributes a page takes from the nodes above it in the page tree when it has none of its own.
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
PAGE_TREE_DEPTH = 100


def _first_pages(reader: Any, wanted: int) -> list[Any]:
    """The first pages of a PDF without walking its whole page tree, as pypdf's `reader.pages`
    does (seconds for a file of 12,000 pages: more than a request may take)."""
    from pypdf import PageObject
    from pypdf.errors import PdfReadError
    from pypdf.generic import IndirectObject, NameObject

    found: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, dict[str, Any], int]] = [(reader.root_object["/Pages"], {}, 0)]
    while stack and len(found) < wanted:
        reference, inherited, depth = stack.pop()
        node = reference.get_object()
        if depth > PAGE_TREE_DEPTH or id(node) in seen:
            raise PdfReadError("the page tree is too deep or loops")
        seen.add(id(node))
        if "/Kids" in node:
            inherited = {**inherited, **{key: node[key] for key in INHERITED if key in node}}
            kids = list(node["/Kids"])
            stack += [(kid, inherited, depth + 1) for kid in reversed(kids)]
            continue
        page = PageObject(reader, reference if isinstance(reference, IndirectObject) else None)
        page.update(node)
        for key, value in inherited.items():
            if key not in page:
                page[NameObject(key)] = value
        found.append(page)
    return found


def pdf_page_texts(path: Path, indexes: list[int]) -> dict[int, str]:
    """The text of a few pages of a PDF, by zero-based index, each found by descending the page
    tree by its counts (not by walking it all); {} when the file cannot be read so."""
    try:
        reader = _open_pdf(path, quick=True)
        return {index: clean_text(_page_at(reader, index).extract_text()) for index in indexes}
    except Exception:  # a preview's nicety: the task reads every page properly
        return {}


def _page_at(reader: Any, index: int) -> Any:
    from pypdf import PageObject
    from pypdf.generic import NameObject

    node = reader.root_object["/Pages"].get_object()
    inherited: dict[str, Any] = {}
    for _depth in range(PAGE_TREE_DEPTH):
        inherited = {**inherited, **{key: node[key] for key in INHERITED if key in node}}
        for kid in node["/Kids"]:
            child = kid.get_object()
            size = child.get("/Count", 1) if "/Kids" in child else 1
            if index < size:
                break
            index -= size
        else:
            raise IndexError("no such page")
        if "/Kids" not in child:
            page = PageObject(reader, kid)
            page.update(child)
            for key, value in inherited.items():
                if key not in page:
                    page[NameObject(key)] = value
            return page
        node = child
    raise IndexError("the page tree is too deep")


def _page_count(reader: Any, at_least: int) -> int:
    """The number of pages the page tree declares (read, not counted)."""
    count = reader.root_object["/Pages"].get_object().get("/Count")
    return count if isinstance(count, int) and count >= at_least else len(reader.pages)


def _reason(error: Exception) -> str:
    message = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


# --- HTML and plain text ----------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceFileError(
            gettext(
                "%(path)s: neither a PDF nor UTF-8 text (byte %(byte)s cannot be decoded); "
                "give a PDF, an HTML page or a UTF-8 text file"
            )
            % {"path": path, "byte": error.start}
        ) from error
    if "\x00" in content:
        raise SourceFileError(
            gettext(
                "%(path)s: a binary file, neither a PDF nor text; "
                "give a PDF, an HTML page or UTF-8 text"
            )
            % {"path": path}
        )
    return content


def _form_feed_pages(content: str) -> list[str]:
    pages = [clean_text(part) for part in content.split("\f")]
    while len(pages) > 1 and not pages[-1]:
        pages.pop()  # pdftotext ends the last page with a form feed too
    return pages


def _pages_of(
    kind: str, texts: list[str], numbering: PageNumbering | None, path: Path
) -> SourceFile:
    if not any(texts):
        raise SourceFileError(
            gettext("%(path)s: the file has no text; check that it is the right file")
            % {"path": path}
        )
    return _numbered(kind, texts, numbering)


class _TextOfHTML(html.parser.HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "head", "svg", "nav", "footer"}
    BLOCKS = {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
        "article", "table", "ul", "ol", "dd", "dt", "pre", "hr", "figcaption", "main",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(content: str) -> str:
    parser = _TextOfHTML()
    parser.feed(content)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def clean_text(text: str) -> str:
    """Drop NUL characters (no database stores them) and trailing spaces; keep the lines."""
    lines = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


# --- page labels ------------------------------------------------------------------------------


def _numbered(kind: str, texts: list[str], numbering: PageNumbering | None) -> SourceFile:
    """Pages numbered as `numbering` says, else counted from 1."""
    used = numbering or PageNumbering()
    origin = f"the numbering {used}" if numbering else "page order (no page labels in the file)"
    read = _labelled(kind, used.labels(len(texts)), texts, origin)
    read.numbering = used
    return read


def _labelled(kind: str, labels: list[str], texts: list[str], origin: str) -> SourceFile:
    """Pair labels with texts; a page with no usable label (none, too long, or the label of an
    earlier page) is named pdf-N after its one-based place in the file."""
    seen: set[str] = set()
    pages, unlabelled = [], []
    for index, (label, text) in enumerate(zip(labels, texts, strict=True)):
        label = label.strip()
        if not label or len(label) > MAX_LABEL or "/" in label or label in seen:
            label = f"pdf-{index + 1}"
            unlabelled.append(index)
        seen.add(label)
        pages.append(ImportedPage(label, index, text))
    return SourceFile(kind, pages, origin, unlabelled)


def _check_first_label(label: str) -> None:
    if not is_page_number(label):
        raise SourceFileError(
            gettext(
                "The printed number of the first page, “%(label)s”: give it as a number (1, 5) "
                "or a roman numeral (i, iii)"
            )
            % {"label": label}
        )
