"""The canonical format: Markdown with footnotes ([^3] markers, [^3]: notes) and YAML front matter.

    ---
    title: …
    series: …
    number: 80
    author: …
    affiliation: …
    date: 2026-02-20
    language: ja
    ---

The front matter is YAML: values may be quoted or run over several lines, and `author` may be a
list. Paragraphs are separated by blank lines, quotations are `>` blocks, headings start with `#`,
and a closing paragraph that starts with ※ is the disclaimer.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import TYPE_CHECKING

import yaml
from django.utils.translation import gettext

from .parsed import CommentaryFormatError, ParsedBlock, ParsedDocument, ParsedNote, has_cjk
from .structure import ClaimSpan, finish, read_block
from .text import one_line, paragraphs

if TYPE_CHECKING:
    from reader.models import Document

MARKER_RE = re.compile(r"\[\^(\d+)\]")
NOTE_RE = re.compile(r"^\[\^(\d+)\]:\s*(.*)$", re.DOTALL)
FENCES = ("---", "...")
FIELDS = ("title", "slug", "series", "number", "author", "affiliation", "date", "language")


def looks_like_markdown(content: str) -> bool:
    return content.lstrip().startswith("---") or bool(re.search(r"\[\^\d+\]", content))


def parse_markdown(content: str) -> tuple[ParsedDocument, list[ClaimSpan]]:
    meta, body_start = _front_matter(content)
    lines = content.splitlines()
    body = "\n".join([""] * body_start + lines[body_start:])
    blocks: list[ParsedBlock] = []
    notes: list[ParsedNote] = []
    disclaimer = ""
    for line, text in _split_notes(paragraphs(body)):
        note = NOTE_RE.match(text)
        if note:
            notes.append(ParsedNote(int(note.group(1)), one_line(note.group(2)), line))
        elif text.startswith(">"):
            quote = "\n".join(part.lstrip(">").strip() for part in text.splitlines())
            blocks.append(_block("quote", line, quote))
        elif text.startswith("#"):
            blocks.append(_block("heading", line, text.lstrip("#").strip()))
        elif text.startswith("※"):
            disclaimer = one_line(text)
        else:
            blocks.append(_block("paragraph", line, text))
    if not blocks:
        raise CommentaryFormatError(
            gettext("the document has no body paragraphs"), line=body_start + 1
        )
    document = ParsedDocument(
        title=meta["title"],
        slug=meta.get("slug", ""),
        series=meta.get("series", ""),
        number=meta.get("number", ""),
        author=meta.get("author", ""),
        affiliation=meta.get("affiliation", ""),
        date=_date(meta.get("date", ""), meta.get("_date_line", 0)),
        language=meta.get("language", "ja") or "ja",
        disclaimer=disclaimer,
        blocks=blocks,
        notes=notes,
    )
    return document, finish(document, detect_quotes=False)


def _split_notes(paras: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Note definitions may follow one another without blank lines between them."""
    split: list[tuple[int, str]] = []
    for line, text in paras:
        if not NOTE_RE.match(text):
            split.append((line, text))
            continue
        for offset, part in enumerate(text.splitlines()):
            if NOTE_RE.match(part) or not split:
                split.append((line + offset, part))
            else:
                split[-1] = (split[-1][0], f"{split[-1][1]}\n{part}")
    return split


def _front_matter(content: str) -> tuple[dict[str, str], int]:
    """Read the YAML block between the first two --- lines; return its fields and where it ends."""
    lines = content.splitlines()
    if not lines or lines[0].strip() != "---":
        raise CommentaryFormatError(
            gettext("a Markdown commentary starts with a front-matter block between --- lines"),
            line=1,
        )
    closing = next(
        (number for number, line in enumerate(lines[1:], start=2) if line.strip() in FENCES),
        None,
    )
    if closing is None:
        raise CommentaryFormatError(gettext("the front matter is not closed by a --- line"), line=1)
    meta = read_front_matter("\n".join(lines[1 : closing - 1]), first_line=2)
    if not meta.get("title"):
        raise CommentaryFormatError(gettext("the front matter has no title"), line=closing)
    return meta, closing


def read_front_matter(text: str, *, first_line: int) -> dict[str, str]:
    """Parse front matter as YAML (safely: nodes only, nothing constructed) into text fields.

    Plain, quoted and folded scalars are all text (`number: 080` stays 080, `title: "A"` is A);
    `author` may be a list. Anything else is refused with its line (`first_line` is the YAML's).
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        raise CommentaryFormatError(
            gettext("the front matter is not valid YAML: %(problem)s")
            % {"problem": error.problem or error.context},
            line=line,
        ) from error
    except yaml.YAMLError as error:
        raise CommentaryFormatError(
            gettext("the front matter is not valid YAML: %(problem)s") % {"problem": error},
            line=first_line,
        ) from error
    except RecursionError as error:  # PyYAML composes nested collections recursively
        raise CommentaryFormatError(
            gettext("the front matter is nested too deeply: it must be “key: value” lines"),
            line=first_line,
        ) from error
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise CommentaryFormatError(
            gettext("the front matter must be “key: value” lines"),
            line=first_line + root.start_mark.line,
        )
    meta: dict[str, str] = {}
    for key_node, value_node in root.value:
        line = first_line + key_node.start_mark.line
        key = str(key_node.value).strip().lower() if isinstance(key_node, yaml.ScalarNode) else ""
        if key not in FIELDS:
            raise CommentaryFormatError(
                gettext("expected “key: value” with a key among %(fields)s; found “%(found)s”")
                % {
                    "fields": ", ".join(FIELDS),
                    "found": text.splitlines()[key_node.start_mark.line].strip(),
                },
                line=line,
            )
        if key in meta:
            raise CommentaryFormatError(
                gettext("“%(key)s” is given twice in the front matter") % {"key": key}, line=line
            )
        meta[key] = _field_value(key, value_node, first_line)
        if key == "date":
            meta["_date_line"] = str(line)
    return meta


def _field_value(key: str, node: yaml.Node, first_line: int) -> str:
    line = first_line + node.start_mark.line
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if key == "author" and isinstance(node, yaml.SequenceNode):
        if all(isinstance(item, yaml.ScalarNode) for item in node.value):
            names = [name for name in (_scalar(item) for item in node.value) if name]
            return ("・" if all(has_cjk(name) for name in names) else ", ").join(names)
    if key == "author":
        message = gettext("“%(key)s” must be a list of names")
    else:
        message = gettext("“%(key)s” must be one line of text")
    raise CommentaryFormatError(message % {"key": key}, line=line)


def _scalar(node: yaml.ScalarNode) -> str:
    if node.tag == "tag:yaml.org,2002:null" and node.style is None:
        return ""
    return " ".join(str(node.value).split())


def front_matter_value(value: str) -> str:
    """Write a value so that the front matter reads it back unchanged: plain when YAML allows."""
    try:
        node = yaml.compose(f"key: {value}", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        node = None
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        scalar = node.value[0][1]
        if isinstance(scalar, yaml.ScalarNode) and _scalar(scalar) == value:
            if scalar.tag != "tag:yaml.org,2002:null":
                return value
    return json.dumps(value, ensure_ascii=False)


def _date(value: str, line: str | int) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommentaryFormatError(
            gettext("the date “%(date)s” is not an ISO date such as 2026-02-20") % {"date": value},
            line=int(line),
        ) from error


def _block(kind: str, line: int, text: str) -> ParsedBlock:
    return read_block(kind, line, text, MARKER_RE, lambda marker: int(marker[2:-1]))


def export_markdown(document: Document) -> str:
    """Write a document in the canonical Markdown format; importing it gives the same document."""
    meta = {
        "title": document.title,
        "slug": document.slug,
        "series": document.series,
        "number": document.number,
        "author": document.author,
        "affiliation": document.affiliation,
        "date": document.date.isoformat() if document.date else "",
        "language": document.language,
    }
    out = [
        "---",
        *(f"{key}: {front_matter_value(value)}" for key, value in meta.items() if value),
        "---",
        "",
    ]
    markers: dict[int, list[tuple[int, int]]] = {}
    for claim in document.claims.select_related("note"):
        markers.setdefault(claim.block_id, []).append((claim.end, claim.note.number))
    for block in document.blocks.all():
        text = block.text
        for offset, number in sorted(markers.get(block.pk, []), reverse=True):
            text = f"{text[:offset]}[^{number}]{text[offset:]}"
        if block.kind == "quote":
            text = f"> {text}"
        elif block.kind == "heading":
            text = f"## {text}"
        out += [text, ""]
    if document.disclaimer:
        out += [document.disclaimer, ""]
    for note in document.notes.all():
        out += [f"[^{note.number}]: {note.text}", ""]
    return "\n".join(out)
