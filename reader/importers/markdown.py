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
list. Other keys (a blog's `description:`, `tags:`, `layout:`) are kept as the document's metadata
and listed in the import summary. Without a title there, the first `#` heading is the title.

The body is read by a CommonMark parser (markdown-it-py, with the footnote and front-matter
plugins of mdit-py-plugins), not by line rules: a heading followed directly by text is a heading
and a paragraph; each list item is a paragraph of its own (an ordered item keeps its number);
`>` blocks are quotations; HTML comments, kramdown attributes (`{: .lead}`), template tags
(`{% include … %}`, `{{< figure >}}`), images and code blocks are dropped and counted; a
paragraph that starts with ※ is the disclaimer. Footnote labels may be names (`[^smith]`):
numbered labels keep their number, named ones are numbered after them in the order the text
first uses them.
"""

from __future__ import annotations

import datetime
import html
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from django.utils.translation import gettext
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .parsed import CommentaryFormatError, ParsedBlock, ParsedDocument, ParsedNote, has_cjk
from .structure import ClaimSpan, finish, read_block
from .text import one_line

if TYPE_CHECKING:
    from reader.models import Document

MARKER_RE = re.compile(r"\[\^([^\]\s]+)\]")
FIELDS = ("title", "slug", "series", "number", "author", "affiliation", "date", "language")
# A date as Jekyll and Hugo write it: the day, then perhaps a time of day and a zone.
DATE_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
TOML_FENCE = "+++"  # Hugo's TOML front matter
METADATA_NODES = 500  # the most values the other front-matter keys may hold together
# What a renderer would not show as text: dropped, and counted in the summary.
# A comment, a template tag or an image takes the spaces before it when a space or the line's end
# follows it ("an inline <!-- x --> comment"), none when a word does ("summo. <!--more-->Redit").
COMMENT_RE = re.compile(r"[ \t]*<!--.*?-->(?=[ \t]|$)|<!--.*?-->", re.DOTALL | re.MULTILINE)
# kramdown's block attributes ({: .lead}) on a line of their own or at the end of one
ATTRIBUTES_RE = re.compile(r"^[ \t]*\{:[^{}\n]*\}[ \t]*$|[ \t]+\{:[^{}\n`]*\}[ \t]*$", re.MULTILINE)
HEADING_ID_RE = re.compile(r"\s*\{#[^{}\n]*\}\s*$")  # ## A heading {#its-id}
# Liquid tags and output ({% include … %}, {{ page.x }}) and Hugo shortcodes ({{< figure >}})
TEMPLATE_RE = re.compile(
    r"[ \t]*(?:\{%.*?%\}|\{\{.*?\}\})(?=[ \t]|$)|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL | re.MULTILINE
)
IMAGE_RE = re.compile(
    r"[ \t]*!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])(?=[ \t]|$)|!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])",
    re.MULTILINE,
)
TAG_RE = re.compile(r"<[^>]*>")
# An inline HTML tag (not an autolink such as <https://…>), and an inline code span
INLINE_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
CODE_SPAN_RE = re.compile(r"(`+[^`]*?`+)")
RAW_ELEMENT_RE = re.compile(r"\s*<(?:script|style|pre|textarea)\b", re.IGNORECASE)

PARSER = (
    MarkdownIt("commonmark")
    .use(front_matter_plugin)
    .use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
)


def looks_like_markdown(content: str) -> bool:
    start = content.lstrip()
    return start.startswith(("---", TOML_FENCE)) or bool(MARKER_RE.search(content))


@dataclass
class _Reading:
    """What the walk over the parser's tokens has found so far."""

    lines: list[str]
    labels: dict[str, int] = field(default_factory=dict)
    blocks: list[ParsedBlock] = field(default_factory=list)
    notes: dict[str, ParsedNote] = field(default_factory=dict)
    disclaimer: str = ""
    dropped: dict[str, int] = field(default_factory=dict)

    def drop(self, what: str, count: int = 1) -> None:
        if count:
            self.dropped[what] = self.dropped.get(what, 0) + count


def parse_markdown(content: str) -> tuple[ParsedDocument, list[ClaimSpan]]:
    meta: dict[str, str] = {}
    metadata: dict[str, Any] = {}
    body_start = 0
    if content.lstrip("\ufeff").startswith(TOML_FENCE):
        content, meta, metadata, body_start = _toml_front_matter(content)
    tokens = PARSER.parse(content)
    if tokens and tokens[0].type == "front_matter":
        front = tokens.pop(0)
        body_start = front.map[1] if front.map else 0
        meta, metadata = read_front_matter(front.content, first_line=2)
    elif content.lstrip().startswith("---"):
        raise CommentaryFormatError(gettext("the front matter is not closed by a --- line"), line=1)
    reading = _Reading(content.splitlines(), labels=_labels(content, tokens))
    _walk(tokens, reading)
    _notes_on_notes(reading)
    title = meta.get("title", "")
    blocks = reading.blocks
    first = blocks[0] if blocks else None
    if first and first.kind == "heading" and first.line and first.level == 1:
        if not title or first.text == title:
            title = title or first.text
            blocks = blocks[1:]
    if not title:
        if not body_start:
            raise CommentaryFormatError(
                gettext("a Markdown commentary starts with a front-matter block between --- lines"),
                line=1,
            )
        raise CommentaryFormatError(gettext("the front matter has no title"), line=body_start)
    if not blocks:
        raise CommentaryFormatError(
            gettext("the document has no body paragraphs"), line=body_start + 1
        )
    document = ParsedDocument(
        title=title,
        slug=meta.get("slug", ""),
        series=meta.get("series", ""),
        number=meta.get("number", ""),
        author=meta.get("author", ""),
        affiliation=meta.get("affiliation", ""),
        date=_date(meta.get("date", ""), meta.get("_date_line", 0)),
        language=meta.get("language", "") or _language(blocks),
        disclaimer=reading.disclaimer,
        blocks=blocks,
        notes=sorted(reading.notes.values(), key=lambda note: note.line),
        metadata=metadata,
        dropped=reading.dropped,
    )
    return document, finish(document, detect_quotes=False)


def _labels(content: str, tokens: list[Token]) -> dict[str, int]:
    """Each footnote label's number: its own when it is one, else the next after the highest,
    in the order the text first uses the labels (as a renderer numbers them)."""
    used: list[str] = []
    for token in tokens:
        if token.type == "footnote_reference_open":
            used.append(str(token.meta["label"]))
        elif token.type == "inline":
            used += MARKER_RE.findall(token.content)
    numbers = {label: int(label) for label in used if label.isdigit()}
    following = max(numbers.values(), default=0)
    for label in sorted(dict.fromkeys(used), key=used.index):
        if label not in numbers:
            following += 1
            numbers[label] = following
    return numbers


def _walk(tokens: list[Token], reading: _Reading) -> None:
    quote_depth = 0
    note: ParsedNote | None = None
    ordered: list[int | None] = []  # each open list: the number of its next item, or None
    heading_level = 0
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "footnote_reference_open":
            label = str(token.meta["label"])
            line = (token.map[0] if token.map else 0) + 1
            note = ParsedNote(reading.labels.get(label, 0), "", line)
            if label in reading.notes:
                note.number = reading.labels[label]
                _defined_twice(note, reading.notes[label])
            reading.notes[label] = note
        elif kind == "footnote_reference_close":
            note = None
        elif kind == "ordered_list_open":
            ordered.append(int(token.attrs.get("start", 1) or 1))
        elif kind == "bullet_list_open":
            ordered.append(None)
        elif kind in ("ordered_list_close", "bullet_list_close"):
            ordered.pop()
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "list_item_open" and ordered and ordered[-1] is not None:
            number = ordered[-1]
            ordered[-1] = number + 1
            following = tokens[index + 2] if index + 2 < len(tokens) else None
            if following is not None and following.type == "inline":
                following.meta["item"] = f"{token.info or number}{token.markup or '.'} "
        elif kind == "inline":
            _inline(token, reading, note, quote_depth, heading_level)
        elif kind in ("html_block", "code_block", "fence"):
            _raw_block(token, reading, note, quote_depth)


def _inline(
    token: Token, reading: _Reading, note: ParsedNote | None, quote_depth: int, heading: int
) -> None:
    line = (token.map[0] if token.map else 0) + 1
    text = _visible(token.content, reading, tags=True)
    if heading:
        text, ids = HEADING_ID_RE.subn("", text)
        reading.drop("attributes", ids)
    if not text.strip():
        return
    text = token.meta.get("item", "") + text
    if note is not None:
        joined = one_line(text)
        note.text = f"{note.text} {joined}" if note.text else joined
    elif heading:
        block = _block("quote" if quote_depth else "heading", line, text, reading.labels)
        block.level = heading
        reading.blocks.append(block)
    elif text.startswith("※") and not quote_depth:
        reading.disclaimer = one_line(text)
    else:
        reading.blocks.append(
            _block("quote" if quote_depth else "paragraph", line, text, reading.labels)
        )


def _raw_block(token: Token, reading: _Reading, note: ParsedNote | None, quote_depth: int) -> None:
    """Code is dropped (a commentary holds none; a site's sample code is not its text). An HTML
    block of comments or tags alone is dropped; otherwise its text, tags taken out, is a
    paragraph, as a reader would see it."""
    if token.type != "html_block":
        reading.drop("code")
        return
    if RAW_ELEMENT_RE.match(token.content):
        reading.drop("html")  # a <script>, <style> or <pre> block: no text of the document
        return
    visible = _visible(token.content, reading)
    text = html.unescape(TAG_RE.sub("", visible))
    lines = [part for part in text.splitlines() if part.strip()]
    if not lines:
        reading.drop("html", 1 if visible.strip() else 0)  # comments alone are counted so
    elif note is not None:
        note.text = " ".join([note.text, *(part.strip() for part in lines)]).strip()
    else:
        line = (token.map[0] if token.map else 0) + 1
        kind = "quote" if quote_depth else "paragraph"
        reading.blocks.append(_block(kind, line, "\n".join(lines), reading.labels))


def _visible(text: str, reading: _Reading, *, tags: bool = False) -> str:
    """The text a renderer would show: comments, attributes, templates and images taken out
    (and with `tags`, inline HTML tags, their text kept); what code spans hold is left as is."""
    patterns = [
        ("comments", COMMENT_RE),
        ("attributes", ATTRIBUTES_RE),
        ("templates", TEMPLATE_RE),
        ("images", IMAGE_RE),
    ]
    if tags:
        patterns.append(("html", INLINE_TAG_RE))
    pieces = CODE_SPAN_RE.split(text)
    # split() with one group gives: text, code, text, code, …; only the text is cleaned
    for index in range(0, len(pieces), 2):
        for what, pattern in patterns:
            pieces[index], count = pattern.subn("", pieces[index])
            reading.drop(what, count if what != "html" else min(count, 1))
    return "".join(pieces)


def _notes_on_notes(reading: _Reading) -> None:
    """A note may carry the marker of another (a note on the note): that one is marked there, and
    the marker is written with its number ([^3]), as the note is numbered."""
    for note in reading.notes.values():
        for label in MARKER_RE.findall(note.text):
            marked = reading.notes.get(label)
            if marked is not None and marked is not note:
                marked.marked_in = note.number
        note.text = MARKER_RE.sub(
            lambda found: f"[^{reading.labels.get(found[1], found[1])}]", note.text
        )


def _defined_twice(note: ParsedNote, first: ParsedNote) -> None:
    raise CommentaryFormatError(
        gettext("note %(number)s is defined twice (first at line %(first)s)")
        % {"number": note.number, "first": first.line},
        line=note.line,
    )


def _language(blocks: list[ParsedBlock]) -> str:
    """Japanese unless the body is written in Latin letters alone."""
    return "ja" if any(has_cjk(block.text) for block in blocks) else "en"


def _toml_front_matter(content: str) -> tuple[str, dict[str, str], dict[str, Any], int]:
    """Hugo's front matter between +++ lines, in TOML: the fields, the other keys as metadata,
    and the content with the block blanked out (so that line numbers stay those of the file)."""
    lines = content.splitlines()
    closing = next(
        (number for number, line in enumerate(lines[1:], start=1) if line.strip() == TOML_FENCE),
        None,
    )
    if closing is None:
        raise CommentaryFormatError(gettext("the front matter is not closed by a +++ line"), line=1)
    try:
        values = tomllib.loads("\n".join(lines[1:closing]))
    except tomllib.TOMLDecodeError as error:
        raise CommentaryFormatError(
            gettext("the front matter is not valid TOML: %(problem)s") % {"problem": error},
            line=2,
        ) from error
    meta: dict[str, str] = {}
    metadata: dict[str, Any] = {}
    for name, value in values.items():
        key = name.lower()
        if key not in FIELDS:
            metadata[name] = _jsonable(value)
        elif key == "author" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            meta[key] = ("・" if all(has_cjk(v) for v in value) else ", ").join(value)
        elif isinstance(value, datetime.date | str | int | float):
            text = value.isoformat() if isinstance(value, datetime.date) else str(value)
            meta[key] = text[:10] if key == "date" else " ".join(text.split())
        else:
            raise CommentaryFormatError(
                gettext("“%(key)s” must be one line of text") % {"key": key}, line=2
            )
    meta["_date_line"] = "2"
    body = "\n" * (closing + 1) + "\n".join(lines[closing + 1 :])
    return body, meta, metadata, closing + 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def read_front_matter(text: str, *, first_line: int) -> tuple[dict[str, str], dict[str, Any]]:
    """Parse front matter as YAML (safely: nodes only, nothing constructed): the document's
    fields as text, and every other key as metadata (plain values: text, lists, mappings).

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
        return {}, {}
    if not isinstance(root, yaml.MappingNode):
        raise CommentaryFormatError(
            gettext("the front matter must be “key: value” lines"),
            line=first_line + root.start_mark.line,
        )
    meta: dict[str, str] = {}
    metadata: dict[str, Any] = {}
    budget = [METADATA_NODES]
    for key_node, value_node in root.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode) or not str(key_node.value).strip():
            raise CommentaryFormatError(
                gettext("expected “key: value”; found “%(found)s”")
                % {"found": text.splitlines()[key_node.start_mark.line].strip()},
                line=line,
            )
        name = str(key_node.value).strip()
        key = name.lower()
        if key in meta or name in metadata:
            raise CommentaryFormatError(
                gettext("“%(key)s” is given twice in the front matter") % {"key": name}, line=line
            )
        if key not in FIELDS:
            metadata[name] = _plain(value_node, budget, first_line)
            continue
        meta[key] = _field_value(key, value_node, first_line)
        if key == "date":
            meta["_date_line"] = str(line)
    return meta, metadata


def _plain(node: yaml.Node, budget: list[int], first_line: int) -> Any:
    """A metadata value as JSON holds it; its size bounded (aliases can multiply a small text)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise CommentaryFormatError(
            gettext("the front matter holds more than %(count)s values: keep it to a few keys")
            % {"count": METADATA_NODES},
            line=first_line + node.start_mark.line,
        )
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, budget, first_line) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {
            str(key.value) if isinstance(key, yaml.ScalarNode) else "": _plain(
                value, budget, first_line
            )
            for key, value in node.value
        }
    plain = isinstance(node, yaml.ScalarNode) and node.style is None
    if plain and node.tag == "tag:yaml.org,2002:null":
        return None
    if plain and node.tag == "tag:yaml.org,2002:bool":
        return str(node.value).lower() in ("true", "yes", "on", "y")
    return str(node.value)


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
    day = DATE_RE.match(value)
    try:
        return datetime.date.fromisoformat(day.group(1) if day else value)
    except ValueError as error:
        raise CommentaryFormatError(
            gettext("the date “%(date)s” is not an ISO date such as 2026-02-20") % {"date": value},
            line=int(line),
        ) from error


def _block(kind: str, line: int, text: str, labels: dict[str, int]) -> ParsedBlock:
    return read_block(kind, line, text, MARKER_RE, lambda marker: labels[marker[2:-1]])


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
    ]
    if document.metadata:
        out.append(yaml.safe_dump(document.metadata, allow_unicode=True, sort_keys=False).rstrip())
    out += ["---", ""]
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
