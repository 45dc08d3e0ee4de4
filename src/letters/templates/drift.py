"""Whether the Word and the HTML template still say the same thing.

A user template keeps both files of the kind it was copied from; an author who
changes the wording in Word alone would send PDF letters with the old wording.
The Chinese text outside tags is compared character by character (the built-in
pairs are generated from one description, so they match exactly); the running
footer, which the HTML carries as a hidden element and Word as a footer part,
is left out.

>>> [f.message[:26] for f in drift([("paragraph 1", "请于七日内付款")], [("line 3", "请于十日内付款")])]
['template.docx says "七" (pa']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from letters.templates.findings import Finding
from letters.templates.tags import find_tags

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_MARKUP = re.compile(r"<[^>]*>")
HTML_FOOTER_MARK = "running-footer"
MAX_FINDINGS = 3
_CONTEXT = 6
_MERGE_BELOW = 4  # equal runs shorter than this between two changes join them


def _without_tags(text: str) -> str:
    pieces, previous = [], 0
    for tag in find_tags(text):
        pieces.append(text[previous : tag.start] + "\n")
        previous = tag.end
    pieces.append(text[previous:])
    return "".join(pieces)


def chinese_text(places: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """The Chinese characters outside tags and markup, and the place of each."""
    characters: list[str] = []
    where: list[str] = []
    for place, text in places:
        for run in _CJK.findall(_MARKUP.sub("\n", _without_tags(text))):
            characters.append(run)
            where.extend([place] * len(run))
    return "".join(characters), where


def html_places(text: str) -> list[tuple[str, str]]:
    return [
        (f"line {number}", line)
        for number, line in enumerate(text.split("\n"), start=1)
        if HTML_FOOTER_MARK not in line
    ]


def _changes(matcher: difflib.SequenceMatcher[str]) -> list[tuple[int, int, int, int]]:
    """Differing stretches (i1, i2, j1, j2), with short equal runs between two
    changes absorbed, so one rewritten sentence is one change."""
    changes: list[list[int]] = []
    pending_equal: tuple[int, int, int, int] | None = None
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            pending_equal = (i1, i2, j1, j2) if changes and i2 - i1 < _MERGE_BELOW else None
            continue
        if pending_equal is not None or (changes and changes[-1][1] == i1 and changes[-1][3] == j1):
            changes[-1][1], changes[-1][3] = i2, j2
        else:
            changes.append([i1, i2, j1, j2])
        pending_equal = None
    return [(a, b, c, d) for a, b, c, d in changes]


def drift(docx: Sequence[tuple[str, str]], html: Sequence[tuple[str, str]]) -> list[Finding]:
    """Up to MAX_FINDINGS places where the two templates' wording differs."""
    word_text, word_where = chinese_text(docx)
    html_text, html_where = chinese_text(html)
    matcher = difflib.SequenceMatcher(None, word_text, html_text, autojunk=False)
    findings = []
    for i1, i2, j1, j2 in _changes(matcher)[:MAX_FINDINGS]:
        word_place = word_where[min(i1, len(word_where) - 1)] if word_where else ""
        html_place = html_where[min(j1, len(html_where) - 1)] if html_where else ""
        ours = (
            word_text[i1:i2]
            or f"{word_text[max(i1 - _CONTEXT, 0) : i1]}‸{word_text[i1 : i1 + _CONTEXT]}"
        )
        theirs = (
            html_text[j1:j2]
            or f"{html_text[max(j1 - _CONTEXT, 0) : j1]}‸{html_text[j1 : j1 + _CONTEXT]}"
        )
        findings.append(
            Finding(
                "wording-drift",
                "template.docx",
                word_place,
                f'template.docx says "{ours}" ({word_place}) where template.html says "{theirs}" '
                f"({html_place}): the Word and the PDF letters would differ",
                "make the same change in template.html, or render with --format docx only",
            )
        )
    return findings
