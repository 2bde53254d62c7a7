"""A regular expression's matches found only where one of its first words starts: the same matches
`pattern.finditer(text)` gives, without trying the pattern at every character.

The name cues of `rca.text.redact` and `rca.text.redact_case` each begin with one of a few words ("my",
"called", "regards"...) written in any case. Python's `re` scans such a pattern at every position of
the text (a case-insensitive alternation, or one behind a word boundary, gets no fast skip), which is
most of what redacting a text costs. Here `str.find` on the lower-cased text locates the first
words, and the pattern is tried at those positions only, in order, each search resuming where the
last match ended as `finditer` does; the pattern itself still decides every match, so what it
finds, and where, is unchanged.

>>> import re
>>> pattern = re.compile(r"(?i:\\bmy\\s+son)\\s+(\\w+)")
>>> text = "MY SON Jack and my son Tom"
>>> [m.group(1) for m in anchored(pattern, text, text.lower(), ("my",))]
['Jack', 'Tom']
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterator

__all__ = ["anchored"]

_LETTERS = frozenset(string.ascii_lowercase)
# The letters besides A-Z that a case-insensitive pattern takes for a-z: long s and dotless i, which
# `str.lower` leaves as they are, the dotted capital I, which it makes two characters, and the Kelvin
# sign (lower-cased to k, so safe, but rare enough to scan in full too): a text with one is scanned in full.
_ODD = re.compile("[\u017f\u0131\u0130\u212a]")


def anchored(pattern: re.Pattern, text: str, low: str, starts: Collection[str], *, whole: bool = True) -> Iterator[re.Match]:
    """`pattern.finditer(text)`, trying `pattern` only where one of `starts` begins in `low`.

    `low` is `text.lower()`; `starts` are lower-case words of a-z that every match of `pattern` begins
    with, preceded by a word boundary (a match may begin with a longer word that one of them starts).
    `whole`: every match's first word is one of `starts` exactly (a letter never follows it), so a
    longer word is not tried. Where `low` is not letter for letter `text` lower-cased (a character
    whose lower case is longer, or one of `_ODD`), the whole text is scanned."""
    if len(low) != len(text) or (not text.isascii() and _ODD.search(text)):
        yield from pattern.finditer(text)
        return
    if not starts:
        return
    size = len(low)
    positions = []
    for word in starts:
        n = len(word)
        i = low.find(word)
        while i >= 0:
            # a boundary before (a letter there would be a word character) and, for a whole word, after
            if (i == 0 or low[i - 1] not in _LETTERS) and (not whole or i + n == size or low[i + n] not in _LETTERS):
                positions.append(i)
            i = low.find(word, i + n)
    positions.sort()
    end = 0
    for i in positions:
        if i < end:
            continue
        m = pattern.match(text, i)
        if m is not None:
            yield m
            end = m.end()
