"""Short, redacted, typical and distinct quotes for each theme.

Candidates are a theme's members closest to its centre. Each is passed
through `rca.text.redact.redact` (names, addresses, phones, emails, postcodes) and
then `scrub`, which also removes what a quote in a report must not carry:
reference numbers (SR-6649610, REF 6083424, CRM6112850), dates, amounts of
money, house numbers and street names. The quote is the sentence that uses the theme's terms
most (with the next one when it is very short), cut to `max_chars`. Quotes of
one theme never repeat one another (word overlap below one half).

>>> scrub("Refund of £243.50 for SR-6649610, sent 03/02/2024 to Mill Lane")
'Refund of [AMOUNT] for [REF], sent [DATE] to [STREET]'
"""

from __future__ import annotations

import re

import numpy as np

from rca.text.redact import redact

_AMOUNT = re.compile(r"(?:£|\$|€|GBP\s?)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|bn)\b)?|\b\d[\d,]*(?:\.\d+)?\s?(?:pounds|quid|pence|p)\b", re.I)
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")
_REF = re.compile(r"\b[A-Za-z]{0,6}[-/#:]?\s?\d[\d\-/]{3,}[A-Za-z0-9]*\b")
_STREET = re.compile(
    r"\b(?:[A-Z][a-z'’]*\.?\s){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Court|Crescent|Place|Way|Gardens|Grove|"
    r"Terrace|Hill|Square|Walk|Row|Mews|Rise|Parade|Vale|Croft|Fields|Estate|House)\b"
)
_HOUSE = re.compile(r"\b(?:number|no\.|flat|house|unit)\s?\d+[a-z]?\b", re.IGNORECASE)  # "the extension at number 21"
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORDS = re.compile(r"[a-z]+")
_PLACEHOLDERS = re.compile(r"\[[A-Z]+\]")


def scrub(text: str) -> str:
    """`text` with amounts, dates, reference numbers and street names replaced by placeholders (after `redact`)."""
    text = _AMOUNT.sub("[AMOUNT]", text)
    text = _DATE.sub("[DATE]", text)
    text = _REF.sub(lambda m: "[REF]" if sum(c.isdigit() for c in m.group(0)) >= 4 else m.group(0), text)
    text = _HOUSE.sub("[ADDRESS]", text)
    return _STREET.sub("[STREET]", text)


def excerpt(text: str, terms: list[str], *, max_chars: int = 160) -> str:
    """The sentence of `text` that uses `terms` most (plus the next when short), cut to `max_chars` on a word."""
    sentences = [s.strip() for s in _SENTENCE.split(" ".join(text.split(" "))) if len(s.strip()) > 2]
    if not sentences:
        return ""
    words = [set(_WORDS.findall(s.lower())) for s in sentences]
    # the sentence using most theme terms; a sentence of placeholders ("I live at [ADDRESS]") says nothing
    score = [sum(all(w in ws for w in t.split()) for t in terms) - 0.5 * s.count("[") for s, ws in zip(sentences, words)]
    i = int(np.argmax(score))
    q = sentences[i]
    if len(q) < 40 and i + 1 < len(sentences):
        q = f"{q} {sentences[i + 1]}"
    q = " ".join(q.split())
    if len(q) > max_chars:
        q = q[:max_chars].rsplit(" ", 1)[0].rstrip(",;:-") + " …"
    return q


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def pick_quotes(
    texts: list[str],
    members: np.ndarray,
    closeness: np.ndarray,
    terms: list[str],
    *,
    n: int = 3,
    max_chars: int = 160,
    redacted: list[str] | None = None,
    allowed: np.ndarray | None = None,
) -> list[tuple[int, str]]:
    """Up to `n` (row, quote) pairs from `members` (row numbers), most typical first (`closeness`: higher = nearer the centre)."""
    if n <= 0 or len(members) == 0:
        return []
    if allowed is not None:
        members = members[allowed[members]]
    order = members[np.argsort(-closeness[members], kind="stable")]
    out: list[tuple[int, str]] = []
    seen: list[set[str]] = []
    for i in order[:200]:
        raw = redacted[i] if redacted is not None else redact(texts[i])
        q = excerpt(scrub(raw), terms, max_chars=max_chars)
        ws = set(_WORDS.findall(q.lower()))
        said = _WORDS.findall(_PLACEHOLDERS.sub(" ", q).lower())
        if len(said) < 5 or any(_overlap(ws, s) >= 0.5 for s in seen):  # "Hi, I live at [ADDRESS]" says nothing
            continue
        seen.append(ws)
        out.append((int(i), q))
        if len(out) >= n:
            break
    return out
