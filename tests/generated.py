"""Generated commentaries for tests and benchmarks: the seed's body and notes, repeated."""

from __future__ import annotations

import re
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seed" / "npi-commentary-80.txt"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
MARKER_RE = re.compile(f"[{SUPERSCRIPTS}]+")


def superscript(number: int) -> str:
    return "".join(SUPERSCRIPTS[int(digit)] for digit in str(number))


def large_commentary(copies: int = 100) -> str:
    """The seed with its body and notes repeated `copies` times, notes renumbered in order."""
    text = SEED.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n2026年1月")
    body, _, notes = ("2026年1月" + rest).partition("※")
    disclaimer, _, notes = ("※" + notes).partition("\n\n¹")
    notes = "¹" + notes
    count = len(MARKER_RE.findall(body))
    bodies, note_parts = [], []
    for copy in range(copies):

        def renumber(match: re.Match[str], copy: int = copy) -> str:
            value = int("".join(str(SUPERSCRIPTS.index(ch)) for ch in match.group(0)))
            return superscript(copy * count + value)

        bodies.append(MARKER_RE.sub(renumber, body.strip()))
        note_parts.append(
            re.sub(f"^[{SUPERSCRIPTS}]+", renumber, notes.strip(), flags=re.MULTILINE)
        )
    return "\n\n".join([head.strip(), *bodies, disclaimer.strip(), *note_parts]) + "\n"


def write_large_commentary(path: Path, copies: int = 100) -> Path:
    path.write_text(large_commentary(copies), encoding="utf-8")
    return path


def large_markdown(copies: int = 15) -> str:
    """large_commentary(copies) in the canonical Markdown format: front matter from its header,
    [^N] markers and [^N]: notes (the seed has 10 notes: 15 copies give 150)."""
    paras = [part.strip() for part in re.split(r"\n\s*\n", large_commentary(copies).strip())]
    date, title, byline = paras[:3]
    affiliation, author = byline.splitlines()
    year, month, day = (int(part) for part in re.findall(r"\d+", date))
    named = re.match(
        r"^「(?P<title>.+)」\s*[（(](?P<series>.+?)No\.\s*(?P<number>\d+)[)）]$", title
    )
    assert named, title
    front = [
        "---",
        f'title: "{named["title"]}"',
        f"series: {named['series']}",
        f"number: {named['number']}",
        f"author: {author}",
        f"affiliation: {affiliation}",
        f"date: {year:04d}-{month:02d}-{day:02d}",
        "language: ja",
        "---",
        "",
    ]

    def marker(match: re.Match[str]) -> str:
        digits = match.group(1) if match.lastindex else match.group(0)
        return f"[^{int(''.join(str(SUPERSCRIPTS.index(ch)) for ch in digits))}]"

    out = []
    for para in paras[3:]:
        note = re.match(f"^([{SUPERSCRIPTS}]+)\\s*", para)
        if note:
            out.append(f"{marker(note)}: {' '.join(para[note.end() :].split())}")
        else:
            out.append(MARKER_RE.sub(marker, para))
    return "\n".join(front) + "\n" + "\n\n".join(out) + "\n"
