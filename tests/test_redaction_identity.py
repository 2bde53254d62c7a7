"""Redaction's fast scans give exactly what the plain scans they replace give.

`rca.text.redact` looks for name cues only where their first words are (`rca.text.redact_scan.anchored`),
skips capitalised words when no first name can be among them, starts the trailing-name and digit
scans only where they can match, and remembers the typo check of `rca.text.redact_case`. Each test
here runs the same texts through the plain version of every one of those (a full `finditer`, the
original patterns) and asks for the same spans, on the demo year, on generated text mixing names,
capitals, e-mail addresses, phone numbers and postcodes, and on the real sets when present; the
labelled snippets' redactions are compared with those the rules gave when they were written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rca.text import redact, redact_case, redact_numbers
from rca.text.redact import find_pii, redact_many
from rca.text.redact_scan import anchored

DATA = Path(__file__).parent / "data"
EXAMPLES = int(os.environ.get("RCA_FUZZ_EXAMPLES", "150"))


def _full_scan(pattern, text, low, starts, *, whole=True):
    return pattern.finditer(text)


@contextmanager
def plain_scans():
    """`find_pii` with every fast scan replaced by the plain one it stands for."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(redact, "anchored", _full_scan)
        mp.setattr(redact_case, "anchored", _full_scan)
        mp.setattr(redact, "_trailing_name", lambda t: redact._TRAILING.search(t, max(0, len(t) - 80)))
        mp.setattr(redact, "_GLUED", re.compile(""))  # always look at the capitalised words
        mp.setattr(redact, "_CAPS_RUN", re.compile(rf"\b[A-Z][a-z]+(?:\s+(?:{redact._INITIAL}\s+)?{redact._W_NEXT})?"))
        mp.setattr(redact_numbers, "_DIGITS", re.compile(redact_numbers._DIGITS.pattern.replace(r"(?<!\d[\d+(])", "", 1)))
        mp.setattr(redact_case, "_near_word", redact_case._near_word.__wrapped__)  # without its memory
        yield


def _differences(texts: list[str]) -> list[tuple[str, list, list]]:
    fast = [find_pii(t) for t in texts]
    with plain_scans():
        plain = [find_pii(t) for t in texts]
    return [(t, f, p) for t, f, p in zip(texts, fast, plain) if f != p]


def test_plain_scans_are_really_swapped_in():
    """The reference differs from the fast code where it should (else the comparisons prove nothing)."""
    with plain_scans():
        assert redact.anchored is _full_scan and redact_case.anchored is _full_scan
        assert redact_numbers._DIGITS.pattern.startswith(r"[\d+(](?:")
    assert redact_numbers._DIGITS.pattern.startswith(r"[\d+(](?<!\d[\d+(])(?:")


# Letters a case-insensitive pattern reads as a-z though `str.lower` keeps them apart (long s, dotless i):
# where a cue's first word holds one, only the full scan finds it.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I spoke to him, then I \u017fpoke to Okonkwo", "Okonkwo"),
        ("my son and h\u0131s son Jack", "Jack"),
        ("my daughter and my \u017fon Jack came", "Jack"),
        ("Thanks to my son. than\u212as Sarah", "Sarah"),
    ],
)
def test_letters_lower_case_does_not_map_are_scanned_in_full(text, name):
    assert redact.redact(text) == text.replace(name, "[NAME]")
    assert not _differences([text])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kind regards,cheersJo Smith", "Kind regards,cheers[NAME]"),  # a sign-off word glued to the name
        ("Thanks.\nhelen", "Thanks.\n[NAME]"),
        ("Please call McKay Sarah today", "Please call McKay [NAME] today"),
        ("SarahJones rang about the bins", "[NAME]Jones rang about the bins"),  # a name glued to the next word
        ("the bin. Sarah\u212a rang", "the bin. [NAME]\u212a rang"),  # glued to a letter that lower-cases to k
        ("the bin. Sarah\u0130 rang", "the bin. [NAME]\u0130 rang"),  # ... or to i and a dot
        ("My name is John Smith and I live here", "My name is [NAME] and I live here"),
        ("no reply. Bernadette", "no reply. [NAME]"),
        ("Bernadette", "[NAME]"),
        ("ring 07700900123 or 020 7946 0958 (ref 12345678)", "ring [PHONE] or [PHONE] (ref [ACCOUNT])"),
    ],
)
def test_fast_paths_edge_cases(text, expected):
    assert redact.redact(text) == expected
    assert not _differences([text, text.upper(), text.lower()])


def test_anchored_is_finditer_for_every_name_cue():
    texts = [
        "my son Jack, my SON Tom, MY son ella; the housing officer, Fatima Hassan; a man called dave",
        "Dear Mrs Patel, hi lucy. I spoke to Okonkwo and talked with mrs bello. Kind regards,\nHelen Marsh",
        "other there where: her son, hiya Mo, co-ordinator Jane Doe, cheersJo, lovely",
    ]
    for text in texts:
        low = text.lower()
        words = set(re.findall("[a-z]+", low))
        for pattern, _, first, whole in redact._NAME_CUES:
            starts = first & words if whole else first
            got = [(m.span(), m.groups()) for m in anchored(pattern, text, low, starts, whole=whole)]
            assert got == [(m.span(), m.groups()) for m in pattern.finditer(text)], (pattern.pattern[:40], text)


def _snippet_texts() -> list[str]:
    texts = []
    for name in ("redaction_snippets.jsonl", "redaction_snippets.holdout.jsonl"):
        for line in (DATA / name).read_text("utf-8").splitlines():
            if line.strip():
                t = json.loads(line)["text"]
                texts += [t, t.upper(), t.lower()]
    return texts


# sha256 of the labelled snippets' redactions (each as written, in capitals and in lower case, joined by
# U+001E) as the rules gave them before the fast scans: the scans changed no character of any
SNIPPETS_REDACTED_SHA256 = "05d5bc4dcba0bc31af4864cbce7f40c8ca6eeca1f53feade98a151d3a6d5720e"


def test_labelled_snippets_redact_as_before():
    texts = _snippet_texts()
    assert len(texts) == 3 * 477
    out = redact_many(texts)
    assert sum(a != b for a, b in zip(texts, out)) > 1000  # the snippets are full of personal data
    assert hashlib.sha256("\x1e".join(out).encode()).hexdigest() == SNIPPETS_REDACTED_SHA256
    assert not _differences(texts)


_FRAGMENTS = [
    *"Sarah SARAH sarah Jack Will will Grace Bernadette Okonkwo Kowalski McKay SarahJones DrSmith Helen Marsh".split(),
    *"Mr mrs. Dr MISS Councillor Cllr my son MY DAUGHTER her husband called named officer worker".split(),
    *"spoke to talked with thanks Thanks cheers Kind regards Dear hi hello love best wishes sincerely".split(),
    *"my name is Full name: complainant: the bin was not collected again St Anne's Court Street".split(),
    "jo.smith@example.com",
    "07700 900123",
    "+44 20 7946 0958",
    "(0161) 496 0000",
    "SW1A 1AA",
    "lb13 3yq",
    "12/03/2024",
    "3rd March 2024",
    "DOB 01/02/1980",
    "sort code 12-34-56",
    "account 12345678",
    "QQ 12 34 56 C",
    "14 Acacia Avenue",
    "Flat 3, Heron Court",
    *"\u017f \u0131 \u0130 \u212a é ß ’ \u00a0 Ω".split(),
]
_GLUE = st.sampled_from([" ", " ", " ", ", ", ". ", "\n", "-", "", "!", ":"])


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize="RCA_FUZZ_EXAMPLES" not in os.environ, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(st.tuples(st.sampled_from(_FRAGMENTS), _GLUE), min_size=1, max_size=14),
    st.sampled_from(["as written", "upper", "lower"]),
)
def test_generated_text_same_spans_as_plain_scans(parts, case):
    text = "".join(a + b for a, b in parts)
    text = text.upper() if case == "upper" else text.lower() if case == "lower" else text
    assert not _differences([text])


@pytest.mark.system
def test_demo_year_same_spans_as_plain_scans():
    from rca.demo.data import generate_demo

    texts = generate_demo().cases["text"].fillna("").astype(str).tolist()
    assert len(texts) > 10_000
    sample = texts[::8]
    diffs = _differences(texts + [t.upper() for t in sample] + [t.lower() for t in sample])
    assert not diffs, diffs[:3]


@pytest.mark.shared_data
def test_real_text_same_spans_as_plain_scans(shared_data):
    def column(path: str, col: str, n: int) -> list[str]:
        return pd.read_csv(shared_data / path, dtype=str, keep_default_na=False)[col].head(n).tolist()

    texts = (
        column("nhs-feedback/nhs_feedback_2009_2019.csv", "text", 6000)
        + column("housing-ombudsman/decisions_2020_2024.csv", "complaint", 3000)
        + column("cfpb/cfpb_2023_api_narratives.csv", "complaint_what_happened", 600)
    )
    diffs = _differences(texts + [t.upper() for t in texts[::5]] + [t.lower() for t in texts[::5]])
    assert not diffs, diffs[:3]
