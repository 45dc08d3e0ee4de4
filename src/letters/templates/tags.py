"""Jinja tags inside template text: find them, and repair what a Chinese input
method typed into them.

Pure functions over strings. A tag is found even when its braces were typed
full-width (``｛｛ 债务人 ｝｝``): Jinja would not see it at all and would print
it literally, which is exactly the silent failure a legal letter must not have.

>>> [t.text for t in find_tags("致：{{ debtor_name }}，｛｛ 债务人 ｝｝")]
['{{ debtor_name }}', '｛｛ 债务人 ｝｝']
>>> normalize_tag("｛｛ debtor_name（） ｝｝").text
'{{ debtor_name() }}'
>>> normalize_tag("{{ “本人” if debtor_is_person else “贵司” }}").text
'{{ "本人" if debtor_is_person else "贵司" }}'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Either brace may have been typed full-width; the pair decides the kind of tag.
_TAG = re.compile(
    r"[{｛](?:"
    r"(?P<var>[{｛].*?[}｝])[}｝]"
    r"|(?P<block>[%％].*?[%％])[}｝]"
    r"|(?P<comment>[#＃].*?[#＃])[}｝]"
    r")",
    re.DOTALL,
)

# docxtpl's tags that act on the enclosing paragraph, table row, cell or run:
# ``{%p if … %}``, ``{%tr for … %}``, ``{%tc …%}``, ``{%r …%}``, ``{{r rich }}``.
# docxtpl recognises them only when the letters follow the brace directly and
# a space follows the letters.
DOCX_PREFIXES = ("tr", "tc", "p", "r")
_PREFIX = re.compile(r"^([{%])(tr|tc|p|r) ")
_SPACED_PREFIX = re.compile(r"^([{%])(\s+)(tr|tc|p|r)\s+(?=(?:for|endfor|if|elif|else|endif)\b)")

# Quotes a Chinese input method produces, by family: a string literal opened
# by one member of a family closes at the next member of the same family.
_DOUBLE_QUOTES = frozenset('"“”＂「」『』')
_SINGLE_QUOTES = frozenset("'‘’＇")
_QUOTES = _DOUBLE_QUOTES | _SINGLE_QUOTES
_ASCII_QUOTE = dict.fromkeys(_DOUBLE_QUOTES, '"') | dict.fromkeys(_SINGLE_QUOTES, "'")
# Characters a Chinese input method types for ASCII keys, outside strings.
# Full-width forms (U+FF01..U+FF5E) and the ideographic space go through NFKC.
_IME = {
    "。": ".",
    "【": "[",
    "】": "]",
    "《": "<",
    "》": ">",
    "——": "_",  # Shift+- with a Chinese input method
}
# docxtpl itself straightens these inside DOCX tags, and Jinja treats the
# ideographic space as white space: worth repairing, but nothing breaks.
HARMLESS_IN_DOCX = frozenset("“”‘’\u3000")
HARMLESS = frozenset("\u3000")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")


@dataclass(frozen=True)
class Tag:
    """One tag in a text: where it is, what it says, and which kind it is."""

    start: int
    end: int
    text: str
    kind: str  # var | block | comment

    @property
    def fullwidth_braces(self) -> bool:
        return any(c in "｛｝％＃" for c in self.delimiters)

    @property
    def delimiters(self) -> str:
        return self.text[:2] + self.text[-2:]

    @property
    def inner(self) -> str:
        return self.text[2:-2]

    @property
    def prefix(self) -> str | None:
        """docxtpl's ``p``/``tr``/``tc``/``r`` after the opening brace, if any."""
        match = _PREFIX.match(self.text[1:])
        return match.group(2) if match else None

    @property
    def words(self) -> list[str]:
        """The statement words of a block tag, docxtpl prefix removed: ``['for', 'item', …]``."""
        inner = self.inner.strip("-+ ").strip()
        if self.prefix is not None:
            inner = inner[len(self.prefix) :].strip()
        return inner.split()

    @property
    def keyword(self) -> str | None:
        """``for``, ``endif`` … for a block tag."""
        return self.words[0] if self.kind == "block" and self.words else None


def find_tags(text: str) -> list[Tag]:
    """Every ``{{ }}``, ``{% %}`` and ``{# #}`` in ``text``, full-width braces included."""
    tags = []
    for match in _TAG.finditer(text):
        kind = next(k for k in ("var", "block", "comment") if match.group(k) is not None)
        tags.append(Tag(match.start(), match.end(), match.group(0), kind))
    return tags


def unclosed_tag_start(text: str) -> int | None:
    """Where a tag opens in ``text`` without closing in it (it continues elsewhere)."""
    covered = 0
    for tag in find_tags(text):
        covered = tag.end
    match = re.search(r"[{｛][{｛%％#＃]", text[covered:])
    return None if match is None else covered + match.start()


def _pieces(inner: str) -> Iterator[tuple[bool, str]]:
    """Split tag content into (is_string_literal, text) pieces; quote characters
    stay attached to their literal."""
    position = 0
    while position < len(inner):
        char = inner[position]
        if char in _QUOTES:
            family = _DOUBLE_QUOTES if char in _DOUBLE_QUOTES else _SINGLE_QUOTES
            end = position + 1
            while end < len(inner) and inner[end] not in family:
                end += 2 if inner[end] == "\\" else 1
            yield True, inner[position : end + 1]
            position = end + 1
            continue
        end = position
        while end < len(inner) and inner[end] not in _QUOTES:
            end += 1
        yield False, inner[position:end]
        position = end


def _ascii_code(code: str) -> str:
    for typed, meant in _IME.items():
        code = code.replace(typed, meant)
    return "".join(
        unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" or c == "\u3000" else c
        for c in code
    )


@dataclass(frozen=True)
class Normalized:
    text: str
    replaced: tuple[str, ...]  # the characters that were replaced, in order of appearance

    @property
    def changed(self) -> bool:
        return bool(self.replaced)


def normalize_tag(text: str) -> Normalized:
    """The tag with full-width braces, smart quotes and full-width punctuation
    outside string literals turned into the ASCII Jinja needs. Text inside a
    string literal (``"（盖章）"``) is kept as written."""
    replaced: list[str] = []
    delimiters = _ascii_code(text[:2]), _ascii_code(text[-2:])
    if delimiters != (text[:2], text[-2:]):
        replaced.extend(c for c in text[:2] + text[-2:] if not c.isascii())
    parts = []
    for is_string, piece in _pieces(text[2:-2]):
        if is_string:
            closed = len(piece) > 1 and piece[-1] in _QUOTES
            opener, closer = piece[0], piece[-1] if closed else ""
            quote = _ASCII_QUOTE.get(opener, opener)
            replaced.extend(c for c in (opener, closer) if c and not c.isascii())
            body = piece[1:-1] if closed else piece[1:]
            parts.append(quote + body + (quote if closed else ""))
        else:
            fixed = _ascii_code(piece)
            if fixed != piece:
                replaced.extend(c for c in piece if not c.isascii() and c not in fixed)
            parts.append(fixed)
    return Normalized(delimiters[0] + "".join(parts) + delimiters[1], tuple(replaced))


def spaced_prefix(tag: Tag) -> str | None:
    """``{% tr for …`` (space between ``%`` and ``tr``): docxtpl does not see the
    prefix, and Jinja stops at the unknown tag ``tr``. Returns the prefix."""
    match = _SPACED_PREFIX.match(tag.text[1:])
    return match.group(3) if match else None


def join_prefix(text: str) -> str:
    """``{% tr for x %}`` → ``{%tr for x %}``."""
    match = _SPACED_PREFIX.match(text[1:])
    if match is None:
        return text
    return text[0] + match.group(1) + match.group(3) + " " + text[1 + match.end() :]


def strip_prefix(text: str) -> str:
    """``{%tr for x %}`` → ``{% for x %}`` and ``{{r x }}`` → ``{{ x }}`` (what Jinja sees)."""
    match = _PREFIX.match(text[1:])
    if match is None:
        return text
    return text[0] + match.group(1) + " " + text[1 + match.end() :]


def rename_identifiers(text: str, resolve: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """Replace non-ASCII identifiers outside string literals (``债务人`` typed as a
    variable) by ``resolve(name)`` when it knows one; returns the renamed ones."""
    renamed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(0)
        if name.isascii():
            return name
        target = resolve(name)
        if target is None:
            return name
        renamed.append(name)
        return target

    parts = []
    for is_string, piece in _pieces(text[2:-2]):
        parts.append(piece if is_string else _IDENTIFIER.sub(replace, piece))
    return text[:2] + "".join(parts) + text[-2:], renamed


def non_ascii_identifiers(text: str) -> list[str]:
    """Identifiers outside string literals that are not ASCII (Chinese variable names)."""
    names: list[str] = []
    for is_string, piece in _pieces(text[2:-2]):
        if not is_string:
            names.extend(n for n in _IDENTIFIER.findall(piece) if not n.isascii())
    return names
