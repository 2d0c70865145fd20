"""Writing a new annotation from the input serializer's validated data: the note, its anchor and
its tags, in one go (the API's create and the import both write through here)."""

from __future__ import annotations

from typing import Any

from ..models import Annotation


def create_annotation(*, author: Any, data: dict[str, Any]) -> Annotation:
    """Create the note AnnotationInputSerializer validated, by `author` (an analyst); call it
    within a transaction."""
    anchor = data.get("anchor")
    document = data["document"]
    annotation = Annotation(
        document=document,
        author=author,
        parent=data.get("parent"),
        body=data.get("body", ""),
        visibility=data.get("visibility") or _default_visibility(data.get("parent")),
        team=data["team"],
        motivation=data.get("motivation") or _default_motivation(data),
        claim=data.get("claim"),
        judgement=data.get("judgement", ""),
        judgement_reason=data.get("judgement_reason", ""),
        created_revision=document.revision,
        anchor_revision=document.revision,
        hidden=bool(data.get("parent") and data["parent"].hidden),  # a reply in a hidden thread
    )
    if anchor is not None:
        annotation.place_at(anchor, document.revision)
    annotation.save()
    annotation.set_tags(data.get("tags", []))
    return annotation


def _default_visibility(parent: Annotation | None) -> str:
    return parent.visibility if parent is not None else Annotation.Visibility.PRIVATE


def _default_motivation(data: dict[str, Any]) -> str:
    if data.get("parent") is not None:
        return Annotation.Motivation.REPLYING
    if data.get("judgement"):
        return Annotation.Motivation.ASSESSING
    if not data.get("body"):
        return Annotation.Motivation.HIGHLIGHTING
    return Annotation.Motivation.COMMENTING
