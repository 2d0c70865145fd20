"""What the reader announces to the apps above it, and what makes the pages anonymous readers share
out of date besides the explicit `DocumentQuerySet.refresh_readers` (importing a source's pages,
an alignment, the admin's inline edits): a document or a source saved or deleted.

The reader imports no app above it: search keeps its index in step, and annotations re-anchor
their notes, by receiving these signals. They are sent inside the transaction of the change, so
that the receivers' work commits, or rolls back, with it (an import stays atomic); the one
exception is `source_text_changed` after a file's pages are imported (see below).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .caching import forget
from .models import Document, Source

# A commentary was imported (`document`; `revised`: its text changed; `sources`: the sources its
# notes cite). A receiver may return a report of what it did (re-anchoring: `anchored`, `moved`,
# `orphaned`), which the import summary shows.
document_imported = Signal()
# A source's pages or passages changed (their text, an alignment): `source`. When a file's pages
# were imported (reader.importers.source.import_source, run by the reading task and by
# `import_source`), it is sent after the pages' transaction has committed, with `progress`: a
# callable progress(stage: str, done: int, total: int) that a receiver doing long work calls as it
# goes (e.g. stage "sentences"); the source page shows each stage. A receiver that fails makes the
# task fail, and its retry sends the signal again: receivers redo their work for the whole
# source, replacing what they stored. Elsewhere it is sent without `progress`.
source_text_changed = Signal()
# Asked when the stamp of a document's shared page is read (reader.views.document_stamp), by
# `document_pk`: an app that adds to the page what anonymous readers see (annotations: the public
# notes) returns (a text that changes whenever that does, the time of its last change or None).
document_page_parts = Signal()
# Asked by the claim ledger (reader.ledger) for the judgements of a `document`'s claims that a
# `viewer` may see: a receiver (annotations) returns {claim id: [reader.ledger.Judgement, …]}.
claim_judgements = Signal()


def answers(signal: Signal, **kwargs: Any) -> list[Any]:
    """Send one of the signals above (sender: the reader's Document) and return what its receivers
    answered, leaving out the ones that answered nothing."""
    sent: list[tuple[Any, Any]] = signal.send(Document, **kwargs)
    return [answer for _receiver, answer in sent if answer is not None]


@receiver([post_save, post_delete], sender=Document)
def document_changed(sender: type[Document], instance: Document, **kwargs: Any) -> None:
    forget([instance.slug], sources=True)  # the sources' pages list the claims citing them


@receiver([post_save, post_delete], sender=Source)
def source_changed(sender: type[Source], instance: Source, **kwargs: Any) -> None:
    forget(sources=True)
