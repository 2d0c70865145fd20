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
