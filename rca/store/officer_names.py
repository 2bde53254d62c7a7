"""Officer names as the audit trail records them: one spelling per person.

A name is read as Unicode NFKC (full-width and ligature forms become plain
letters), runs of spaces become one, and it is refused (E506) when it holds a
control, format (zero-width, direction mark) or other non-printing character,
a symbol, or letters of more than one script ("Аnn" with a Cyrillic А is not
"Ann"). Allowed: letters of one script (Chinese and Japanese characters count
as one), combining accents, digits, spaces and ``. ' - _ @``; at most 100
characters.

>>> officer_name("  Ann   Khan ")
'Ann Khan'
>>> officer_name("ａ.khan")
'a.khan'
"""

from __future__ import annotations

import unicodedata

from rca.errors import RcaError

MAX_OFFICER = 100
PUNCTUATION = set(".'-_@ ")
# scripts that are written together: Japanese mixes Han, Hiragana and Katakana
_SCRIPT_GROUPS = {"CJK": "HAN", "HIRAGANA": "HAN", "KATAKANA": "HAN", "IDEOGRAPHIC": "HAN"}


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name ("LATIN SMALL LETTER A" -> LATIN)."""
    first = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
    return _SCRIPT_GROUPS.get(first, first)


def _refuse(name: str, why: str) -> RcaError:
    shown = name.encode("unicode_escape").decode("ascii")[:120]  # control characters shown, never printed
    return RcaError(
        "E506", f"the officer name {why}", column="officer", value=shown
    )  # the name only in `value`: an API answer never echoes it


def officer_name(raw: str | None) -> str:
    """The name as recorded (NFKC, single spaces); E506 saying what is wrong otherwise."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    for ch in text:
        if ch != "\t" and (unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")):
            raise _refuse(text, f"holds the non-printing character U+{ord(ch):04X}")
    name = " ".join(text.split())  # tabs and runs of spaces become one space
    if not name:
        raise RcaError("E506", "an officer name is required (the audit trail records who decided each code)", column="officer")
    if len(name) > MAX_OFFICER:
        raise _refuse(name, f"is {len(name)} characters; at most {MAX_OFFICER}")
    scripts = set()
    for ch in name:
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            scripts.add(_script(ch))
        elif cat[0] == "M" or cat == "Nd" and ch.isascii() or ch in PUNCTUATION:
            continue
        else:
            raise _refuse(name, f"holds {ch!r} (U+{ord(ch):04X}), which is not a letter, digit, space or . ' - _ @")
    if not scripts:
        raise _refuse(name, "has no letters")
    if len(scripts) > 1:
        raise _refuse(name, f"mixes letters of several scripts ({', '.join(sorted(scripts)).lower()}), as look-alike names do")
    return name


def name_key(name: str) -> str:
    """The form two names must not share: 'Ann Khan' and 'ann khan' are one officer."""
    return unicodedata.normalize("NFKC", name).casefold()


__all__ = ["officer_name", "name_key", "MAX_OFFICER"]
