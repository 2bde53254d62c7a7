"""The scoring hot path's shortcuts give the same answers as the plain code they skip.

Each shortcut is checked against the slow, obvious version on generated text built to
hit its edge cases (punctuation runs, apostrophes, non-ASCII, names and phone numbers
at the end of a text), so a shortcut that drifts from its reference fails here.
"""

from __future__ import annotations

import random
import re

import pytest

from rca.scoring import evidence
from rca.text import redact
from rca.text import prepare as text_prep

WORDS = [
    "bin",
    "not",
    "collected",
    "again",
    "don't",
    "smith",
    "Smith",
    "Jo",
    "O'Neil",
    "mr",
    "regards",
    "thanks",
    "x",
    "a",
    "café",
    "naïve",
    "Ángel",
    "07700",
    "900123",
    "jo@example.com",
    "(0161",
    "496",
    "0000)",
]
MARKS = [".", "..", "!", ",", "?", " - ", " – ", "-", "'", "’", "(", ")", "<", ">", "\n", "  ", "\t", "…", "\u00a0", ""]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 9)):
            parts.append(rng.choice(WORDS))
            parts.append(rng.choice(MARKS) if rng.random() < 0.4 else " ")
        out.append("".join(parts))
    return out


def test_may_end_with_name_never_skips_a_trailing_match():
    """`_may_end_with_name` may only say False where the `_TRAILING` regex finds nothing."""
    texts = _texts(20_000, seed=1) + [
        "Kind regards,\nHelen Marsh",
        "thanks -Smith",
        "thanks?Smith",
        "call Jo Smith.",
        "Jo Smith 07700 900123",
        "ring me (07700 900123)",
        "Jo Smith jo@example.com",
        "Thanks, Amy!",
        "x\nSmith   ",
        "",
        "   ",
        "Smith..",
    ]
    matched = 0
    for t in texts:
        hit = redact._TRAILING.search(t, max(0, len(t) - 80))
        if hit:
            matched += 1
            assert redact._may_end_with_name(t), t
    assert matched > 100  # the generator does reach the regex's matches
    assert not redact._may_end_with_name("the bin was not collected.")
    assert redact.redact("Kind regards,\nHelen Marsh") == "Kind regards,\n[NAME]"


def test_spaced_prepared_answers_like_spaced():
    """Every whole-word question about a prepared text gets the same answer from both forms."""
    prepared = text_prep.prepare(_texts(3_000, seed=2), redact=False)
    for p in prepared:
        slow, fast = evidence.spaced(p), evidence.spaced_prepared(p)
        tokens = re.findall(r"(?u)\b\w+\b|n't", p)  # what a feature name is made of (rca.text.features)
        terms = {" ".join(tokens[i : i + n]) for n in (1, 2, 3) for i in range(len(tokens))}
        terms |= {w for w in p.split() if re.fullmatch(r"[\w']+", w)}
        for term in terms:
            assert (f" {term} " in slow) == (f" {term} " in fast), (p, term)
    assert " collected again " not in evidence.spaced_prepared("not collected. again")
    assert " not collected " in evidence.spaced_prepared("it was not collected.")


@pytest.mark.parametrize("text", ["  Two\tspaces\u00a0and\u2028lines\x1c  ", "[NAME] said [PHONE]", "Ünïcode  ÀND", ""])
def test_normalise_is_lower_case_single_spaced(text):
    expected = re.sub(r"\s+", " ", re.sub(r"\[(NAME|PHONE)\]", lambda m: f" pii_{m.group(1).lower()} ", text).lower()).strip()
    assert text_prep.normalise(text) == expected
