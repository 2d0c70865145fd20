"""The one Markdown → sanitised HTML function. Everything that shows Markdown calls it, once, at
write time, and stores its result."""

from __future__ import annotations

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "hr", "del", "sup", "sub", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "em": {"lang"}, "span": {"lang"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# A bare URL that Python-Markdown would leave as text; sentence punctuation is not part of it.
BARE_URL_RE = re.compile(r"(?<![<(\"'=])\b(https?://[^\s<>()\"']+?)([.,;:]?)(?=\s|$)")
LATIN_EM_RE = re.compile(r"<em>([\x00-\x7f]+?)</em>")


def render_markdown(source: str) -> str:
    """Render Markdown to HTML that is safe to show to anyone."""
    source = BARE_URL_RE.sub(r"<\1>\2", source)
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    # Latin titles keep their italics inside Japanese text, where CJK emphasis is not italic.
    html = LATIN_EM_RE.sub(r'<em lang="en">\1</em>', html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
