"""What the first page of a commentary PDF says it is, read from its leading lines whatever their
order (reader.importers.header): the lines as the PDF gives them, with their sizes."""

from __future__ import annotations

import datetime

import pytest

from reader.importers.header import Candidate, Header, find_date, read_header

BODY = 10.5
TEXT = (
    "The strategy was published in January. It asks allies to take primary responsibility for "
    "their own defense, with critical but more limited support from U.S. forces."
)


def lines(*specs: tuple[str, float] | tuple[str, float, bool]) -> list[Candidate]:
    return [Candidate(spec[0], spec[1], 1, False, bool(spec[2:] and spec[2])) for spec in specs]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2026年2月20日", datetime.date(2026, 2, 20)),
        ("令和8年2月20日", datetime.date(2026, 2, 20)),
        ("令和元年5月1日", datetime.date(2019, 5, 1)),
        ("２０２６年２月２０日", datetime.date(2026, 2, 20)),
        ("Commentary No. 80 | 20 February 2026", datetime.date(2026, 2, 20)),
        ("February 20, 2026", datetime.date(2026, 2, 20)),
        ("Feb. 20, 2026", datetime.date(2026, 2, 20)),
        ("2026-02-20", datetime.date(2026, 2, 20)),
        ("Vol. 12, No. 3 (2024)", None),
        ("2026年13月1日", None),
    ],
)
def test_a_date_is_found_in_any_usual_form(text: str, date: datetime.date | None) -> None:
    found = find_date(text)
    assert (found[0] if found else None) == date


@pytest.mark.parametrize(
    ("candidates", "header", "taken"),
    [
        # An institute's commentary: the date line first, the title larger, the byline.
        (
            lines(
                ("2026年2月20日", BODY),
                ("「第2次トランプ政権の「国家防衛戦略」と韓国」（日米同盟研究会コメンタリーNo. 80）", 14),
                ("防衛研究所主任研究官", BODY),
                ("石田 智範", BODY),
                (TEXT, BODY),
            ),
            Header(
                "第2次トランプ政権の「国家防衛戦略」と韓国", "日米同盟研究会コメンタリー", "80",
                "石田 智範", "防衛研究所主任研究官", datetime.date(2026, 2, 20),
            ),
            4,
        ),
        # The date set on the title's line.
        (
            lines(("「同盟の将来」（研究ノート No. 3）　令和8年2月20日", 14), ("山田 花子", BODY), (TEXT, BODY)),
            Header("同盟の将来", "研究ノート", "3", "山田 花子", "", datetime.date(2026, 2, 20)),
            2,
        ),
        # A law review: the journal first, the title larger over two lines, "By", no date.
        (
            lines(
                ("Amherst College Law Review", BODY),
                ("Aesthetics for the Public Good:", 16),
                ("The Fifth Amendment's Takings Clause", 16),
                ("By Jane Doe", BODY),
                (TEXT, BODY),
            ),
            Header(
                "Aesthetics for the Public Good: The Fifth Amendment's Takings Clause",
                "Amherst College Law Review", "", "Jane Doe",
            ),
            4,
        ),
        # No header at all: the title is the first line, at the text's size.
        (
            lines(("Burden Sharing After the 2026 Strategy", BODY), (TEXT, BODY)),
            Header("Burden Sharing After the 2026 Strategy"),
            1,
        ),
        # All one size: the centred line is the title; the name before it is the author; what
        # is neither is kept.
        (
            lines(
                ("Summit Sarkar", BODY),
                ("LJST-228: Police Power", BODY),
                ("18 December 2023", BODY),
                ("Islam & Violence Against Women", BODY, True),
                (TEXT, BODY),
            ),
            Header(
                "Islam & Violence Against Women", author="Summit Sarkar",
                date=datetime.date(2023, 12, 18), other=["LJST-228: Police Power"],
            ),
            4,
        ),
    ],
)  # fmt: skip
def test_the_header_is_read_whatever_its_order(
    candidates: list[Candidate], header: Header, taken: int
) -> None:
    assert read_header(candidates, BODY) == (header, taken)


def test_the_header_ends_where_the_running_text_starts() -> None:
    candidates = lines(("A title", 16), (TEXT, BODY), ("Jane Doe", BODY))
    header, taken = read_header(candidates, BODY)
    assert (header.title, header.author, taken) == ("A title", "", 1)
